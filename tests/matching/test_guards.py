"""Issue 13: the analyst's rules on top of the fitted score, the new terms, and script-aware names."""

from __future__ import annotations

import pytest

from matching import fusion
from matching.names import name_similarity, normalise_company_name

PASS, REVIEW = 0.85, 0.7


def pair(ace="O1", lead=1, **signals) -> dict:
    return {"ace_opportunity_id": ace, "odoo_lead_id": lead, **signals}


def guarded_confidence(logit: float, row: dict) -> float:
    [out] = fusion.apply_guards([{"prior": logit}], [row], PASS, REVIEW)
    return fusion.sigmoid(sum(out.values()))


def test_context_alone_never_reaches_the_automatic_band():
    similar_project = pair(name_similarity=0.35, identity_similarity=0.3, context_similarity=0.95)
    assert guarded_confidence(8.0, similar_project) < REVIEW  # names disagree, nothing else: not a match
    alias = pair(name_similarity=0.4, identity_similarity=0.9)  # "AWS" vs "Amazon Web Services"
    assert REVIEW <= guarded_confidence(8.0, alias) < PASS  # may be right: a person decides


def test_a_pair_ruled_out_shows_a_low_confidence_not_almost_review():
    similar_project = pair(name_similarity=0.35, identity_similarity=0.3, context_similarity=0.95)
    assert guarded_confidence(8.0, similar_project) == pytest.approx(fusion.NOT_A_MATCH_CONFIDENCE, abs=1e-4)  # contributions are rounded
    assert guarded_confidence(-6.0, similar_project) == pytest.approx(fusion.sigmoid(-6.0))  # a lower score is kept


def test_a_name_shared_by_several_customers_or_abroad_does_not_auto_match():
    common = pair(name_similarity=1.0, odoo_name_customers=4, ace_country_code="DE", odoo_country_code="DE")
    abroad = pair(name_similarity=1.0, odoo_name_customers=1, ace_country_code="FR", odoo_country_code="US")
    unique_here = pair(name_similarity=1.0, odoo_name_customers=1, ace_country_code="US", odoo_country_code="US")
    assert guarded_confidence(6.0, common) < PASS
    assert guarded_confidence(6.0, abroad) < PASS
    assert guarded_confidence(6.0, unique_here) > PASS  # left to the fitted score


def test_account_id_with_disagreeing_names_goes_to_review_never_to_no_match():
    renamed = pair(has_account_id_match=True, name_similarity=0.2)
    assert REVIEW <= guarded_confidence(-6.0, renamed) < PASS
    assert REVIEW <= guarded_confidence(9.0, renamed) < PASS
    agreeing = pair(has_account_id_match=True, name_similarity=1.0, odoo_name_customers=1)
    assert guarded_confidence(-6.0, agreeing) < REVIEW  # the fit judged it another deal of the customer


def test_floors_keep_the_order_of_an_opportunitys_leads_and_contributions_sum_to_the_logit():
    rows = [pair(lead=1, has_account_id_match=True, name_similarity=0.3),
            pair(lead=2, has_account_id_match=True, name_similarity=0.3)]
    out = fusion.apply_guards([{"prior": -5.0}, {"prior": -3.0}], rows, PASS, REVIEW)
    confidences = [fusion.sigmoid(sum(c.values())) for c in out]
    assert confidences[1] >= REVIEW > confidences[0]  # only the better lead is lifted
    assert "guard" in out[1] and "guard" not in out[0]


def test_an_account_id_lifts_no_second_lead_when_another_is_already_proposed():
    moved = pair(lead=1, has_account_id_match=True, name_similarity=0.3)  # the account's former customer
    rows = [moved, pair(lead=2, has_domain_match=True, name_similarity=1.0, odoo_name_customers=1)]
    out = fusion.apply_guards([{"prior": -5.0}, {"prior": 6.0}], rows, PASS, REVIEW)
    assert fusion.sigmoid(sum(out[0].values())) == pytest.approx(fusion.sigmoid(-5.0))  # left to the fit
    [alone] = fusion.apply_guards([{"prior": -5.0}], [moved], PASS, REVIEW)
    assert fusion.sigmoid(sum(alone.values())) >= REVIEW  # the only evidence: a person decides


def test_no_automatic_match_past_a_lead_an_explicit_id_names():
    rows = [pair(lead=1, has_typed_ace_id_match=True, name_similarity=1.0, odoo_name_customers=1),
            pair(lead=2, has_domain_match=True, name_similarity=1.0, odoo_name_customers=1)]  # its copy
    out = fusion.apply_guards([{"prior": -3.0}, {"prior": 7.0}], rows, PASS, REVIEW)
    confidences = [fusion.sigmoid(sum(c.values())) for c in out]
    assert REVIEW <= confidences[1] < PASS  # a person picks between the named lead and its copy
    [alone] = fusion.apply_guards([{"prior": 7.0}], rows[1:], PASS, REVIEW)
    assert fusion.sigmoid(sum(alone.values())) > PASS  # without an id naming another lead: left to the fit


def test_new_terms():
    [row] = fusion.feature_rows([pair(has_account_id_match=True, name_similarity=0.95, odoo_name_customers=4,
                                      ace_country_code="de", odoo_country_code="DE")])
    assert row["name_high"] == 1.0 and row["name_common"] == pytest.approx(0.75)
    assert row["country_mismatch"] == 0.0 and row["key_match"] == 1.0 and row["account_name_conflict"] == 0.0
    [row] = fusion.feature_rows([pair(has_account_id_match=True, name_similarity=0.3)])
    assert row["account_name_conflict"] == 1.0 and row["country_mismatch"] is None and row["name_common"] is None


def test_same_customer_this_deal_or_another_deal():
    """Key-less pairs tied by the name: the lead created nearest to the ACE opportunity among its similar-name
    candidates, and whether it is the only one of them created within 30 days (one deal in the window)."""
    rows = fusion.feature_rows([
        pair(lead=1, name_similarity=1.0, created_lag_days=6.0),  # this deal
        pair(lead=2, name_similarity=1.0, created_lag_days=-200.0),  # another deal of the customer
        pair(lead=3, name_similarity=0.4, created_lag_days=1.0),  # another company, same week
        pair(lead=4, name_similarity=1.0),  # no dates: no evidence either way
    ])
    assert [r["nearest_similar_name_lead"] for r in rows] == [1.0, 0.0, 0.0, None]
    assert [r["sole_similar_name_near"] for r in rows] == [1.0, 0.0, 0.0, None]
    two_in_window = fusion.feature_rows([pair(lead=1, name_similarity=1.0, created_lag_days=6.0),
                                         pair(lead=2, name_similarity=0.95, created_lag_days=-20.0)])
    assert [r["nearest_similar_name_lead"] for r in two_in_window] == [1.0, 0.0]
    assert [r["sole_similar_name_near"] for r in two_in_window] == [0.0, 0.0]  # ambiguous: neither is alone


@pytest.mark.parametrize("typed, odoo", [
    ("Zephyrant Labs Соr\u200bporatіon", "Zephyrant Labs Corporation"),  # Cyrillic О, і; zero-width space
    ("Ｃｌｏｕｄ Ｓｏｌｕｔｉｏｎｓ", "Cloud Solutions Inc"),  # full-width
    ("Tiv\u200dara\u00ad", "Tivara"),  # zero-width joiner, soft hyphen
    ("Ulmоva \ufeffGmbH & Сo. KG", "Ulmova GmbH & Co. KG"),  # BOM, Cyrillic С in a Latin word
    ("Halden\u00a0Pharma", "Halden Pharma LLC"),  # no-break space
])
def test_homoglyphs_invisible_and_compatibility_characters_fold_away(typed, odoo):
    assert normalise_company_name(typed) == normalise_company_name(odoo)


def test_names_in_another_script_are_transliterated():
    assert normalise_company_name("Калина Системс") == "kalina sistems"
    assert name_similarity("Калина Системс", "Kalina Systems Ltd") >= 0.9
    assert name_similarity("Καλινα Συστημς", "Kalina Systems") >= 0.9
    assert normalise_company_name("Société Lumière S.A.") == "societe lumiere"
