"""Company-name normalisation and fuzzy similarity: what fuzzy matching must and must not solve."""

from __future__ import annotations

import pytest

from matching.names import best_name_similarity, name_similarity, normalise_company_name, title_similarity


@pytest.mark.parametrize(("raw", "normalised"), [
    ("Wondera Inc.", "wondera"),
    ("Wondera.io", "wondera"),
    ("wondera.co.uk", "wondera"),
    ("Société Lumière S.A.", "societe lumiere"),
    ("Müller Präzision GmbH", "muller prazision"),
    ("Nordwind GmbH & Co. KG", "nordwind"),
    ("Zenith Holdings, LLC", "zenith"),
    ("Acme Pty. Ltd.", "acme"),
    ("  ACME   cloud ", "acme cloud"),
    ("Co", "co"),  # a suffix alone is kept: nothing else names the company
    (None, ""),
])
def test_normalisation(raw, normalised):
    assert normalise_company_name(raw) == normalised


@pytest.mark.parametrize(("left", "right"), [
    ("Wondera Inc.", "Wondera.io"),
    ("Café Léon SARL", "Cafe Leon"),
    ("BluePeak LLC", "Blue Peak"),
    ("Olympusat", "OLYMPUSAT, INC."),
])
def test_spelling_variants_are_equal(left, right):
    assert name_similarity(left, right) == 1.0


def test_typos_score_high_and_other_companies_low():
    assert name_similarity("Borfield Logistics Inc", "Borfeld Logistics") > 0.9
    assert name_similarity("Borfield Corporation", "Ravora Insurance") < 0.5


def test_aliases_are_left_to_the_embeddings():
    # an acronym shares almost no characters with its expansion: fuzzy matching must not pretend otherwise
    assert name_similarity("Amazon Web Services", "AWS") < 0.5


def test_missing_names_give_no_signal():
    assert name_similarity("", "Acme") is None
    assert best_name_similarity([None, "Acme Inc"], [None, "ACME"]) == 1.0
    assert best_name_similarity([None], ["Acme"]) is None


def test_titles_compare_projects_without_the_company():
    same = title_similarity("Lument - EMEA Migration", "Lument [SB - Funding Only] Migration EU", ["Lument Corp"])
    other = title_similarity("Volax - Web Platform", "MAP Assess Plan - Volax", ["Volax"])
    assert same > 0.7 > other
    assert title_similarity("Café Léon", "Cafe Leon - Data Lake", ["Café Léon"]) is None



def test_the_fuzzy_normaliser_strips_every_legal_suffix_the_sql_one_strips(monkeypatch):
    from matching import names
    from revops import dbt

    assert set(dbt.project_var("legal_suffixes")) <= names.LEGAL_SUFFIXES
    monkeypatch.setattr(dbt, "project_var", lambda name: ["inc", "zzcorp"])  # an edit of the dbt var
    assert names._legal_suffixes() == {"inc", "zzcorp"} | names.PYTHON_ONLY_LEGAL_SUFFIXES
