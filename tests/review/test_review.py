"""The review workflow on a real warehouse: a copy of the session's demo warehouse (so the reviews, raw edits and
refitted scores here never leak into the other tests), driven through the real CLI as a person would."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from revops import settings, warehouse
from tests.conftest import REPO

COPY = "revops_review_test"


@pytest.fixture(scope="module")
def wh(demo_run):
    """A copy of the demo warehouse (CREATE DATABASE … TEMPLATE), dropped at the end."""
    admin = psycopg2.connect(demo_run.with_database("postgres").dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> "
                    "pg_backend_pid()", (demo_run.database,))
        warehouse.drop_database(cur, COPY)
        cur.execute(f'create database "{COPY}" template "{demo_run.database}"')
    parts = demo_run.with_database(COPY)
    yield parts
    with admin.cursor() as cur:
        warehouse.drop_database(cur, COPY)
    admin.close()


def cli(wh, *args: str, reviewer: str = "alice", expect: int = 0) -> subprocess.CompletedProcess:
    env = {**os.environ, "REVOPS_DATABASE_URL": _url(wh), "REVOPS_REVIEWER": reviewer}
    result = subprocess.run([sys.executable, "-m", "revops.cli", *args], cwd=REPO, capture_output=True, text=True,
                            timeout=900, env=env)
    assert result.returncode == expect, (f"revops {' '.join(args)} -> {result.returncode}, expected {expect}:\n"
                                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _url(parts: settings.ConnectionParts) -> str:
    return f"postgresql://{parts.user}@{parts.host}:{parts.port}/{parts.database}"


def q(wh, sql: str, params=None) -> list[tuple]:
    with psycopg2.connect(wh.dsn()) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def apply_reviews(wh) -> None:
    cli(wh, "dbt", "build", "--select", "int_pod_decisions_reviewed+")


def decision(wh, ace: str) -> dict:
    cols = ("decision", "odoo_lead_id", "final_decision", "final_odoo_lead_id", "final_decided_by", "review_status",
            "reviewed_by", "review_reason", "review_changes")
    rows = q(wh, f"select {', '.join(cols)} from pod.decisions where ace_opportunity_id = %s", (ace,))
    return dict(zip(cols, rows[0]))


def proposed(wh, count: int, offset: int = 0) -> list[tuple[str, int]]:
    """Opportunities with a proposed lead and another candidate, not reviewed yet."""
    return q(wh, """
        select decisions.ace_opportunity_id, decisions.odoo_lead_id from pod.decisions
        where decisions.odoo_lead_id is not null and decisions.review_status = 'unreviewed'
          and exists (select 1 from pod.matches where matches.ace_opportunity_id = decisions.ace_opportunity_id
                      and matches.rank = 2)
        order by decisions.ace_opportunity_id offset %s limit %s""", (offset, count))


# ------------------------------------------------------------------------------------------------ recording

def test_refusals_are_one_clear_sentence(wh):
    ace, lead = proposed(wh, 1)[0]
    cases = [
        (("review", "confirm", "O-NOPE"), "ACE opportunity O-NOPE does not exist"),
        (("review", "choose", ace, "--lead", "987654321"), "Odoo lead 987654321 does not exist"),
        (("review", "approve", ace, "--reason", "   "), "approve needs a reason"),
        (("review", "confirm", ace, "--lead", str(lead + 100000)), "is not the proposed lead"),
        (("review", "show", "O-NOPE"), "does not exist"),
    ]
    for args, expected in cases:
        result = cli(wh, *args, expect=1)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("refused: ") and expected in lines[0], result.stderr
    assert q(wh, "select count(*) from review.reviews")[0][0] == 0


def test_reviews_are_append_only_and_only_readable_by_bi_reader(wh):
    ace, _ = proposed(wh, 1)[0]
    cli(wh, "review", "confirm", ace)
    for statement in ("update review.reviews set reason = 'edited'", "delete from review.reviews",
                      "truncate review.reviews", "truncate review.claim_exports"):
        with pytest.raises(psycopg2.Error, match="append-only"):
            q(wh, statement)
    assert q(wh, "select count(*) from review.reviews where ace_opportunity_id = %s", (ace,))[0][0] == 1
    # PUBLIC has nothing; bi_reader (issue 11's role, created here when missing) may read but not write
    admin = wh.with_role(settings.SUPERUSER)  # roles are made by the server's administrator, not the loader
    created = not q(admin, "select 1 from pg_roles where rolname = 'bi_reader'")
    if created:
        q(admin, "create role bi_reader nologin")
    q(admin, "create role review_probe nologin")
    try:
        cli(wh, "review", "--limit", "1")  # ensures the schema and its grants again
        with psycopg2.connect(admin.dsn()) as conn, conn.cursor() as cur:
            cur.execute("set role bi_reader")
            cur.execute("select count(*) from review.reviews")
            assert cur.fetchone()[0] >= 1
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("insert into review.reviews (ace_opportunity_id, action, reviewer, entered_via) "
                            "values ('x', 'no_lead', 'mallory', 'sql')")
            conn.rollback()
            cur.execute("set role review_probe")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("select count(*) from review.reviews")
            conn.rollback()
    finally:
        q(admin, "drop role review_probe")
        if created:
            q(admin, "revoke all on all tables in schema review from bi_reader; "
                  "revoke all on schema review from bi_reader; drop role bi_reader")


def test_reviews_win_and_survive_a_full_refresh(wh):
    (confirm_ace, confirm_lead), (choose_ace, _), (nolead_ace, nolead_lead), (approve_ace, _) = proposed(wh, 4, 1)
    other_lead = q(wh, "select odoo_lead_id from pod.matches where ace_opportunity_id = %s and rank = 2",
                   (choose_ace,))[0][0]
    cli(wh, "review", "confirm", confirm_ace)
    cli(wh, "review", "choose", choose_ace, "--lead", str(other_lead), "--reason", "same customer, newer lead")
    cli(wh, "review", "no-lead", nolead_ace, reviewer="bob")
    cli(wh, "review", "approve", approve_ace, "--reason", "spend confirmed with the customer")
    assert "unchanged" in cli(wh, "review", "no-lead", nolead_ace, reviewer="bob").stdout  # same act: no-op
    apply_reviews(wh)

    def check():
        chosen = decision(wh, choose_ace)
        assert (chosen["final_odoo_lead_id"], chosen["review_status"]) == (other_lead, "reviewed")
        assert chosen["final_decision"] == "needs_review"  # the rules ran on the machine's lead: a person decides
        nolead = decision(wh, nolead_ace)
        assert (nolead["final_decision"], nolead["final_odoo_lead_id"], nolead["reviewed_by"]) == \
            ("rejected_by_review", None, "bob")
        assert nolead["odoo_lead_id"] == nolead_lead  # the machine's proposal stays beside it
        approved = decision(wh, approve_ace)
        assert (approved["final_decision"], approved["final_decided_by"], approved["review_reason"]) == \
            ("approved_by_review", "alice", "spend confirmed with the customer")
        confirmed = decision(wh, confirm_ace)
        assert confirmed["final_odoo_lead_id"] == confirm_lead and confirmed["review_status"] == "reviewed"
        assert confirmed["final_decision"] in ("approved_by_review", "needs_review", "auto_reject")
        other_rules = q(wh, """select count(*) filter (where outcome = 'fail' and is_critical),
                                      count(*) filter (where outcome in ('fail', 'review'))
                               from pod.rule_outcomes where ace_opportunity_id = %s and rule_id != 'match_confidence'""",
                        (confirm_ace,))[0]
        expected = "auto_reject" if other_rules[0] else "needs_review" if other_rules[1] else "approved_by_review"
        assert confirmed["final_decision"] == expected
        assert q(wh, "select final_decision, decided_by from pod.approved_claims where ace_opportunity_id = %s",
                 (approve_ace,)) == [("approved_by_review", "alice")]

    check()
    changes = q(wh, """select final_decision, review_status from pod.decision_changes
                       where ace_opportunity_id = %s and is_current""", (nolead_ace,))
    assert changes == [("rejected_by_review", "reviewed")]
    before = q(wh, "select count(*), max(review_id) from review.reviews")
    cli(wh, "run", "--full-refresh", "--no-report")
    assert q(wh, "select count(*), max(review_id) from review.reviews") == before
    check()


def test_csv_round_trip_applies_good_rows_rejects_bad_ones_and_is_idempotent(wh, tmp_path):
    path = tmp_path / "queue.csv"
    cli(wh, "review", "export", str(path), "--status", "unreviewed")
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    assert {"candidate_1_lead_id", "candidate_2_lead_id", "review_action", "review_odoo_lead_id",
            "review_reason"} <= set(header)
    exported = {r["ace_opportunity_id"] for r in rows}
    assert exported == {a for (a,) in q(wh, "select ace_opportunity_id from pod.decisions "
                                            "where final_decision = 'needs_review' and review_status = 'unreviewed'")}
    assert len(rows) >= 6
    fills = [("confirm_lead", "", ""), ("reject", "", "duplicate of an older registration"), ("no_lead", "", ""),
             ("approve", "", ""), ("choose_lead", "not-a-number", ""), ("choose_lead", "987654321", "")]
    for row, (action, lead, reason) in zip(rows, fills):
        if action == "confirm_lead" and not row["candidate_1_lead_id"]:
            action = "no_lead"
        row.update(review_action=action, review_odoo_lead_id=lead, review_reason=reason)
    good = {rows[i]["ace_opportunity_id"] for i in range(3)}
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    before = q(wh, "select count(*) from review.reviews")[0][0]

    result = cli(wh, "review", "import", str(path), reviewer="carol", expect=2)
    assert "3 recorded" in result.stdout and "3 rejected" in result.stdout, result.stdout
    recorded = q(wh, "select ace_opportunity_id, reviewer, entered_via from review.reviews where review_id > "
                     "(select coalesce(max(review_id), 0) from review.reviews) - 3 order by review_id")
    assert {r[0] for r in recorded} == good and {r[1:] for r in recorded} == {("carol", "csv:queue.csv")}
    assert q(wh, "select count(*) from review.reviews")[0][0] == before + 3
    with (tmp_path / "queue.rejected.csv").open(newline="") as handle:
        rejected = list(csv.DictReader(handle))
    errors = {r["ace_opportunity_id"]: r["error"] for r in rejected}
    assert errors == {
        rows[3]["ace_opportunity_id"]: "approve needs a reason (--reason or column review_reason): say why the "
                                       "machine is overruled.",
        rows[4]["ace_opportunity_id"]: "Odoo lead id 'not-a-number' is not a number.",
        rows[5]["ace_opportunity_id"]: "Odoo lead 987654321 does not exist in core.odoo_opportunities.",
    }
    assert [int(r["line"]) for r in rejected] == [5, 6, 7]

    again = cli(wh, "review", "import", str(path), reviewer="carol", expect=2)
    assert "0 recorded, 3 unchanged" in again.stdout
    assert q(wh, "select count(*) from review.reviews")[0][0] == before + 3

    # fix the bad rows in the rejected file and import it: everything lands, nothing twice
    for row in rejected:
        row.update(review_action="reject", review_odoo_lead_id="", review_reason="not partner originated")
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rejected[0].keys()))
        writer.writeheader()
        writer.writerows(rejected)
    assert "3 recorded" in cli(wh, "review", "import", str(fixed)).stdout
    assert not (tmp_path / "fixed.rejected.csv").exists()
    apply_reviews(wh)
    for ace in good:
        assert decision(wh, ace)["review_status"] == "reviewed"
    assert decision(wh, rows[1]["ace_opportunity_id"])["final_decision"] == "rejected_by_review"


def test_changed_evidence_sends_the_item_back_to_the_queue(wh):
    (reregistered, _), (chosen_ace, _) = proposed(wh, 2, 20)
    # a lead neither opportunity was offered (with the hard demo situations every lead is some pair's candidate)
    spare_lead = q(wh, """select lead_id from core.odoo_opportunities
                          where lead_id not in (select odoo_lead_id from pod.matches
                                                where odoo_lead_id is not null and ace_opportunity_id in (%s, %s))
                          order by lead_id desc limit 1""", (reregistered, chosen_ace))[0][0]
    cli(wh, "review", "confirm", reregistered)
    cli(wh, "review", "choose", chosen_ace, "--lead", str(spare_lead))
    cli(wh, "review", "approve", chosen_ace, "--reason", "lead confirmed by the account manager")
    apply_reviews(wh)
    assert decision(wh, chosen_ace)["final_decision"] == "approved_by_review"
    assert decision(wh, reregistered)["review_status"] == "reviewed"
    # the sources change under the reviews: the opportunity is registered again, the chosen lead is deleted
    q(wh, "update raw.apn_opportunity set created_date = created_date + interval '3 days' where id = %s",
      (reregistered,))
    q(wh, "delete from raw.odoo_crm_lead where id = %s", (spare_lead,))
    cli(wh, "dbt", "run", "--select", "stg_apn__opportunities+", "stg_odoo__leads+",
        "--exclude", "int_match_candidates", "int_match_candidates_by_neighbours",
        "int_ace_opportunities_matched_by_keys", "matches", "search_inputs")
    cli(wh, "dbt", "snapshot")
    back = decision(wh, reregistered)
    assert back["review_status"] == "changed_since_review" and back["final_decision"] == "needs_review"
    assert back["review_changes"].startswith("created_at "), back
    gone = decision(wh, chosen_ace)
    assert gone["review_status"] == "changed_since_review" and f"lead {spare_lead} deleted" in gone["review_changes"]
    assert gone["final_decision"] == "needs_review"
    queued = cli(wh, "review", "--status", "changed_since_review").stdout
    assert reregistered in queued and chosen_ace in queued
    history = q(wh, """select previous_review_status, review_status, final_decision from pod.decision_changes
                       where ace_opportunity_id = %s order by changed_at desc limit 1""", (chosen_ace,))
    assert history == [("reviewed", "changed_since_review", "needs_review")]
    # a new review settles it again
    cli(wh, "review", "no-lead", chosen_ace)
    apply_reviews(wh)
    assert decision(wh, chosen_ace)["review_status"] == "reviewed"


def test_export_approved_claims_once(wh, tmp_path):
    approved = {a for (a,) in q(wh, "select ace_opportunity_id from pod.decisions "
                                    "where final_decision in ('auto_approve', 'approved_by_review')")}
    assert approved
    first = tmp_path / "claims.csv"
    cli(wh, "export", "approved", "-o", str(first))
    with first.open(newline="") as handle:
        claims = list(csv.DictReader(handle))
    assert {c["ace_opportunity_id"] for c in claims} == approved
    assert all(c["decided_by"] and c["decided_at"] and c["rule_evidence"].startswith("{") for c in claims)
    assert q(wh, "select count(*) from review.claim_exports")[0][0] == len(approved)
    second = tmp_path / "again.csv"
    assert "wrote 0 approved" in cli(wh, "export", "approved", "-o", str(second)).stdout
    assert len(second.read_text().splitlines()) == 1  # the header only
    apply_reviews(wh)
    assert q(wh, "select count(*) from pod.approved_claims where not is_exported")[0][0] == 0


def test_reviews_are_labels_and_a_refit_on_them_moves_decisions(wh):
    """A systematic error: reviewers find that the machine's proposed leads of half the opportunities are wrong
    (no lead) and that the low-confidence top candidates of others are right. Refitting on those reviews alone
    must move the decisions of the opportunities nobody reviewed, and improve the fit on the reviews."""
    weights = REPO / "rules" / "match_weights.yml"
    saved = weights.read_bytes()
    opportunities = q(wh, """
        select matches.ace_opportunity_id, matches.odoo_lead_id, matches.band, matches.confidence
        from pod.matches
        where matches.rank = 1 and not exists (select 1 from review.reviews
                                               where reviews.ace_opportunity_id = matches.ace_opportunity_id)
        order by md5(matches.ace_opportunity_id)""")
    proposed_ = [o for o in opportunities if o[2] != "no_match"]
    unproposed = [o for o in opportunities if o[2] == "no_match"]
    assert len(proposed_) >= 6 and len(unproposed) >= 2
    reviewed, held_out = proposed_[: len(proposed_) // 2], proposed_[len(proposed_) // 2:]
    rows = [(ace, "no_lead", "") for ace, *_ in reviewed] + [(ace, "choose_lead", lead) for ace, lead, *_ in unproposed]
    path = REPO / ".revops" / "test" / "systematic.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ace_opportunity_id", "review_action", "review_odoo_lead_id", "review_reason"])
        writer.writerows(rows)
    cli(wh, "review", "import", str(path), reviewer="dana")
    before_eval = cli(wh, "eval", "--truth", "reviews", "--no-write").stdout
    held = [ace for ace, *_ in held_out]
    before = dict(q(wh, "select ace_opportunity_id, match_confidence_outcome from pod.decisions "
                        "where ace_opportunity_id = any(%s)", (held,)))
    before_conf = dict(q(wh, "select ace_opportunity_id, confidence from pod.matches where rank = 1 "
                             "and ace_opportunity_id = any(%s)", (held,)))
    try:
        cli(wh, "fit-weights", "--truth", "reviews")
        cli(wh, "match")
        cli(wh, "dbt", "build", "--select", "rule_inputs+")
        after = dict(q(wh, "select ace_opportunity_id, match_confidence_outcome from pod.decisions "
                           "where ace_opportunity_id = any(%s)", (held,)))
        after_conf = dict(q(wh, "select ace_opportunity_id, confidence from pod.matches where rank = 1 "
                                "and ace_opportunity_id = any(%s)", (held,)))
        after_eval = cli(wh, "eval", "--truth", "reviews", "--no-write").stdout
        # the reviews outlive the rescoring: every reviewed opportunity still carries its review
        assert q(wh, "select distinct review_status, final_decision from pod.decisions "
                     "where ace_opportunity_id = any(%s)", ([ace for ace, *_ in reviewed],)) == \
            [("reviewed", "rejected_by_review")]
    finally:
        weights.write_bytes(saved)
    assert sum(after_conf.values()) < sum(before_conf.values())
    assert any(after[ace] != before[ace] for ace in held), (before, after)
    assert _score(after_eval) > _score(before_eval), (before_eval, after_eval)


def _score(evaluation: str) -> float:
    """Top-1 F1 plus no-match accuracy of `revops eval` against the reviews."""
    f1 = float(re.search(r"F1 ([0-9.]+)", evaluation).group(1))
    no_match = float(re.search(r"no match: accuracy ([0-9.]+)", evaluation).group(1))
    return f1 + no_match
