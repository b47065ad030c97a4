"""The held-out labelled set (issue 13): independent of the demo generator, contract-shaped, labels consistent."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from holdout.generate import SITUATIONS, create_holdout_sources
from matching.evaluate import fit_from_truth, load_truth_csv, truth_for
from tests.conftest import query

HOLDOUT_DIR = Path(__file__).resolve().parents[2] / "holdout"


def test_holdout_code_never_imports_the_demo_generator():
    for path in HOLDOUT_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.startswith(("revops.demo", "demo_data"))], path


@pytest.fixture(scope="module")
def holdout_sources(warehouse_server, tmp_path_factory):
    truth = tmp_path_factory.mktemp("holdout") / "truth.csv"
    summary = create_holdout_sources(lambda db: warehouse_server.with_database(db).dsn(), "odoo_test_holdout",
                                     "apn_test_holdout", truth, seed=7, scale=0.3)
    return warehouse_server.with_database("odoo_test_holdout"), warehouse_server.with_database("apn_test_holdout"), \
        truth, summary


def test_labels_cover_every_ace_opportunity_and_point_at_real_leads(holdout_sources):
    odoo, apn, truth_path, summary = holdout_sources
    truth = load_truth_csv(truth_path)
    ace_ids = {row[0] for row in query(apn, "select id from opportunity")}
    assert set(truth.matches) | truth.no_match == ace_ids
    lead_ids = {row[0] for row in query(odoo, "select id from crm_lead")}
    assert set().union(*truth.matches.values()) <= lead_ids
    share_without = len(truth.no_match) / len(ace_ids)
    assert 0.3 <= share_without <= 0.45
    assert set(truth.situations.values()) == set(SITUATIONS)
    # the labels never reach the source databases
    assert query(apn, "select count(*) from information_schema.schemata where schema_name = 'truth'")[0][0] == 0


def test_truth_csv_shape_and_errors(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("ace_opportunity_id,odoo_lead_id,situation\nO1,10,renamed\nO1,11,renamed\nO2,,namesake\nO3,12,\n")
    truth = load_truth_csv(path)
    assert truth.matches == {"O1": {10, 11}, "O3": {12}} and truth.no_match == {"O2"}
    assert truth.situations == {"O1": "renamed", "O2": "namesake", "O3": "ordinary"} and truth.name == "labels"
    assert truth_for(str(path)).matches == truth.matches
    path.write_text("ace_opportunity_id,odoo_lead_id\nO1,10\nO1,\n")
    with pytest.raises(ValueError, match="both with and without"):
        load_truth_csv(path)
    path.write_text("ace,lead\nO1,10\n")
    with pytest.raises(ValueError, match="missing column"):
        load_truth_csv(path)


def test_fit_weights_refuses_held_out_labels(tmp_path):
    with pytest.raises(ValueError, match="held-out"):
        fit_from_truth(truth="holdout")
    with pytest.raises(ValueError, match="held-out"):
        fit_from_truth(truth=str(tmp_path / "labels.csv"))


def test_csv_written_as_documented(holdout_sources):
    _, _, truth_path, _ = holdout_sources
    with truth_path.open() as handle:
        assert next(csv.reader(handle)) == ["ace_opportunity_id", "odoo_lead_id", "situation"]
