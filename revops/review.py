"""Reviews: people confirm or correct what the machine proposed, in schema `review` of the warehouse.

`review.reviews` is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE, and PUBLIC holds no privilege on
it): one row per act of a reviewer, with who, when, what, why, the machine's proposal at that moment and a
fingerprint of the evidence (intermediate.int_pod_review_evidence) so that dbt can send the item back to the queue
when the data under it changes. `review.claim_exports` records every approved claim written by
`revops export approved`, once per ACE opportunity. Neither is a dbt model nor raw: `revops run --full-refresh`
leaves them alone and dbt reads them as the source `review`.

Actions:
  confirm_lead  the proposed lead is right          (lead kind)
  choose_lead   another lead is right (--lead ID)    (lead kind)
  no_lead       no Odoo lead belongs to it           (lead kind)
  approve       approve the POD claim (--reason)     (decision kind)
  reject        reject the POD claim (--reason)      (decision kind)
The latest review of each kind wins; a review identical to the latest one of its kind is a no-op.
"""

from __future__ import annotations

import csv
import getpass
import json
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2.extras

from revops import settings, warehouse

LEAD_ACTIONS = ("confirm_lead", "choose_lead", "no_lead")
DECISION_ACTIONS = ("approve", "reject")
ACTIONS = LEAD_ACTIONS + DECISION_ACTIONS
READER_ROLE = "bi_reader"
CANDIDATES_IN_CSV = 3

DDL = """
create schema if not exists review;

create table if not exists review.reviews (
    review_id bigint generated always as identity primary key,
    ace_opportunity_id text not null,
    action text not null check (action in ('confirm_lead', 'choose_lead', 'no_lead', 'approve', 'reject')),
    odoo_lead_id integer,
    reason text,
    reviewer text not null check (btrim(reviewer) <> ''),
    reviewed_at timestamptz not null default clock_timestamp(),
    entered_via text not null,
    machine_decision text,
    machine_odoo_lead_id integer,
    evidence jsonb not null default '{}'::jsonb,
    check (action not in ('confirm_lead', 'choose_lead') or odoo_lead_id is not null),
    check (action not in ('approve', 'reject') or btrim(coalesce(reason, '')) <> '')
);
create index if not exists reviews_opportunity on review.reviews (ace_opportunity_id, reviewed_at);

create table if not exists review.claim_exports (
    export_id bigint generated always as identity primary key,
    ace_opportunity_id text not null unique,
    odoo_lead_id integer,
    decision text not null,
    exported_at timestamptz not null default clock_timestamp(),
    exported_by text not null,
    file_name text not null
);

create or replace function review.refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'review.% is append-only: record a new review instead of changing or deleting one',
        tg_table_name using errcode = 'insufficient_privilege';
end
$$;

create or replace trigger reviews_append_only before update or delete on review.reviews
    for each row execute function review.refuse_change();
create or replace trigger reviews_no_truncate before truncate on review.reviews
    for each statement execute function review.refuse_change();
create or replace trigger claim_exports_append_only before update or delete on review.claim_exports
    for each row execute function review.refuse_change();
create or replace trigger claim_exports_no_truncate before truncate on review.claim_exports
    for each statement execute function review.refuse_change();

revoke all on schema review from public;
revoke all on all tables in schema review from public;
"""


class ReviewError(ValueError):
    """A review that cannot be recorded; the message is one sentence saying why and what to do."""


def reviewer_name(explicit: str | None = None) -> str:
    """Who reviews: --reviewer, else $REVOPS_REVIEWER, else the OS user."""
    name = (explicit or settings.current().revops_reviewer or "").strip()
    if not name:
        try:
            name = getpass.getuser().strip()
        except (KeyError, OSError):  # a container user without a passwd entry or LOGNAME
            name = ""
    if not name:
        raise ReviewError("no reviewer: pass --reviewer NAME or set REVOPS_REVIEWER.")
    return name


def ensure_schema(cur) -> None:
    """Create schema `review` and its tables if missing (idempotent); bi_reader may read, nobody else."""
    cur.execute("select pg_advisory_xact_lock(hashtext('revops.review.ddl'))")
    cur.execute(DDL)
    cur.execute("select 1 from pg_roles where rolname = %s", (READER_ROLE,))
    if cur.fetchone():
        cur.execute(f"grant usage on schema review to {READER_ROLE}")
        cur.execute(f"grant select on all tables in schema review to {READER_ROLE}")
        cur.execute(f"revoke insert, update, delete, truncate on all tables in schema review from {READER_ROLE}")


def ensure() -> None:
    with warehouse.connect() as conn, conn.cursor() as cur:
        ensure_schema(cur)


# ------------------------------------------------------------------------------------------------ recording

@dataclass
class Review:
    ace_opportunity_id: str
    action: str
    odoo_lead_id: int | None = None
    reason: str | None = None


@dataclass
class Outcome:
    recorded: int = 0
    unchanged: int = 0
    review_ids: list[int] = field(default_factory=list)


def _require_built(cur) -> None:
    cur.execute("select to_regclass('pod.decisions') is not null and "
                "to_regclass('intermediate.int_pod_review_evidence') is not null")
    if not cur.fetchone()[0]:
        raise ReviewError("the warehouse has no POD decisions yet: run `revops run` first.")


def validate(cur, item: Review) -> Review:
    """Check one review against the current data; raise ReviewError with one sentence if it cannot stand."""
    ace = (item.ace_opportunity_id or "").strip()
    action = (item.action or "").strip().lower()
    reason = (item.reason or "").strip() or None
    if not ace:
        raise ReviewError("the ACE opportunity id is empty.")
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {item.action!r}: use one of {', '.join(ACTIONS)}.")
    cur.execute("select odoo_lead_id from pod.decisions where ace_opportunity_id = %s", (ace,))
    row = cur.fetchone()
    if row is None:
        raise ReviewError(f"ACE opportunity {ace} does not exist in pod.decisions (check the id, or run `revops run`).")
    proposed = row[0]
    lead = item.odoo_lead_id
    if isinstance(lead, str):
        lead = lead.strip()
        if lead and not lead.isdigit():
            raise ReviewError(f"Odoo lead id {lead!r} is not a number.")
        lead = int(lead) if lead else None
    if action == "confirm_lead":
        if proposed is None:
            raise ReviewError(f"ACE opportunity {ace} has no proposed lead to confirm: use choose_lead with a lead id "
                              "or no_lead.")
        if lead is None:
            lead = proposed
        if lead != proposed:
            raise ReviewError(f"lead {lead} is not the proposed lead {proposed} of {ace}: use choose_lead to pick "
                              "another lead.")
    elif action == "choose_lead":
        if lead is None:
            raise ReviewError("choose_lead needs the Odoo lead id (--lead or column review_odoo_lead_id).")
    elif lead is not None:
        raise ReviewError(f"{action} takes no lead id (leave it empty).")
    if lead is not None:
        cur.execute("select 1 from core.odoo_opportunities where lead_id = %s", (lead,))
        if cur.fetchone() is None:
            raise ReviewError(f"Odoo lead {lead} does not exist in core.odoo_opportunities.")
    if action in DECISION_ACTIONS and not reason:
        raise ReviewError(f"{action} needs a reason (--reason or column review_reason): say why the machine is "
                          "overruled.")
    return Review(ace, action, lead, reason)


def _latest_of_kind(cur, ace: str, action: str) -> tuple | None:
    kind = LEAD_ACTIONS if action in LEAD_ACTIONS else DECISION_ACTIONS
    cur.execute("""select action, odoo_lead_id, reason from review.reviews
                   where ace_opportunity_id = %s and action = any(%s)
                   order by reviewed_at desc, review_id desc limit 1""", (ace, list(kind)))
    return cur.fetchone()


def _insert(cur, item: Review, reviewer: str, entered_via: str) -> int | None:
    """Insert one validated review unless it repeats the latest review of its kind; returns its id."""
    if _latest_of_kind(cur, item.ace_opportunity_id, item.action) == (item.action, item.odoo_lead_id, item.reason):
        return None
    cur.execute("""
        insert into review.reviews (ace_opportunity_id, action, odoo_lead_id, reason, reviewer, entered_via,
                                    machine_decision, machine_odoo_lead_id, evidence)
        select %(ace)s, %(action)s, %(lead)s, %(reason)s, %(reviewer)s, %(via)s,
               decisions.decision, decisions.odoo_lead_id, coalesce(evidence.evidence, '{}'::jsonb)
        from pod.decisions as decisions
        left join intermediate.int_pod_review_evidence as evidence
            on decisions.ace_opportunity_id = evidence.ace_opportunity_id
        where decisions.ace_opportunity_id = %(ace)s
        returning review_id""", {"ace": item.ace_opportunity_id, "action": item.action, "lead": item.odoo_lead_id,
                                 "reason": item.reason, "reviewer": reviewer, "via": entered_via})
    return cur.fetchone()[0]


def record(items: list[Review], reviewer: str | None = None, entered_via: str = "cli") -> Outcome:
    """Validate and record reviews in one transaction: all of them or none."""
    who = reviewer_name(reviewer)
    outcome = Outcome()
    with warehouse.connect() as conn, conn.cursor() as cur:
        ensure_schema(cur)
        _require_built(cur)
        for item in items:
            review_id = _insert(cur, validate(cur, item), who, entered_via)
            if review_id is None:
                outcome.unchanged += 1
            else:
                outcome.recorded += 1
                outcome.review_ids.append(review_id)
    return outcome


# ------------------------------------------------------------------------------------------------ reading

QUEUE_COLUMNS = ("ace_opportunity_id", "customer_company_name", "opportunity_title", "decision", "final_decision",
                 "review_status", "odoo_lead_id", "final_odoo_lead_id", "odoo_lead_name", "confidence", "review_rules",
                 "reasons", "review_changes")


def queue(cur, status: str | None = None, rule: str | None = None, search: str | None = None,
          min_confidence: float | None = None, max_confidence: float | None = None,
          limit: int | None = None) -> list[dict]:
    """The review queue: decisions whose final state needs a person (unreviewed, or changed since review)."""
    _require_built(cur)
    where = ["final_decision = 'needs_review'"]
    params: list = []
    if status:
        where.append("review_status = %s")
        params.append(status)
    if rule:
        where.append("rule_outcomes -> %s ->> 'outcome' in ('review', 'fail')")
        params.append(rule)
    if search:
        where.append("(customer_company_name ilike %s or opportunity_title ilike %s or ace_opportunity_id ilike %s)")
        params += [f"%{search}%"] * 3
    if min_confidence is not None:
        where.append("confidence >= %s")
        params.append(min_confidence)
    if max_confidence is not None:
        where.append("confidence < %s")
        params.append(max_confidence)
    cur.execute(f"""
        select ace_opportunity_id, customer_company_name, opportunity_title, decision, final_decision, review_status,
               odoo_lead_id, final_odoo_lead_id, odoo_lead_name, confidence,
               (select string_agg(key, ', ' order by key) from jsonb_each(rule_outcomes)
                where value ->> 'outcome' in ('review', 'fail')) as review_rules,
               reasons, review_changes
        from pod.decisions where {' and '.join(where)}
        order by case review_status when 'changed_since_review' then 0 when 'unreviewed' then 1 else 2 end,
                 confidence desc, ace_opportunity_id
        {'limit %s' if limit else ''}""", params + ([limit] if limit else []))
    return [dict(zip(QUEUE_COLUMNS, row)) for row in cur.fetchall()]


def show(cur, ace: str) -> dict:
    """One item: its decision (machine and final), candidates, rule outcomes and review history."""
    _require_built(cur)
    cur.execute("select * from pod.decisions where ace_opportunity_id = %s", (ace,))
    if cur.description is None or (row := cur.fetchone()) is None:
        raise ReviewError(f"ACE opportunity {ace} does not exist in pod.decisions (check the id).")
    decision = dict(zip([d[0] for d in cur.description], row))
    cur.execute("""select matches.rank, matches.odoo_lead_id, leads.lead_name, leads.customer_name,
                          matches.confidence, matches.band, matches.key_evidence
                   from pod.matches as matches
                   left join core.odoo_opportunities as leads on matches.odoo_lead_id = leads.lead_id
                   where matches.ace_opportunity_id = %s order by matches.rank""", (ace,))
    names = [d[0] for d in cur.description]
    candidates = [dict(zip(names, r)) for r in cur.fetchall()]
    cur.execute("""select review_id, reviewed_at, reviewer, action, odoo_lead_id, reason, entered_via
                   from review.reviews where ace_opportunity_id = %s order by reviewed_at, review_id""", (ace,))
    names = [d[0] for d in cur.description]
    history = [dict(zip(names, r)) for r in cur.fetchall()]
    return {"decision": decision, "candidates": candidates, "reviews": history}


def format_item(item: dict) -> str:
    d = item["decision"]
    lines = [
        f"{d['ace_opportunity_id']}  {d['customer_company_name']} — {d['opportunity_title']}",
        f"  machine: {d['decision']} (lead {d['odoo_lead_id']}, confidence {d['confidence']})",
        f"  final:   {d['final_decision']} (lead {d['final_odoo_lead_id']}), review status {d['review_status']}"
        + (f", by {d['reviewed_by']} at {d['reviewed_at']}" if d.get("reviewed_by") else ""),
    ]
    if d.get("review_reason"):
        lines.append(f"  review reason: {d['review_reason']}")
    if d.get("review_changes"):
        lines.append(f"  changed since review: {d['review_changes']}")
    lines.append(f"  reasons: {d['reasons']}")
    lines.append("  rules:")
    for rule_id, outcome in sorted((d.get("rule_outcomes") or {}).items()):
        lines.append(f"    {rule_id:<20} {outcome.get('outcome'):<14} {outcome.get('explanation') or ''}")
    lines.append("  candidates:")
    for c in item["candidates"]:
        lines.append(f"    #{c['rank']} lead {c['odoo_lead_id']:<6} {float(c['confidence']):.3f} {c['band']:<9} "
                     f"{c['lead_name'] or ''} ({c['customer_name'] or '-'}){' by ' + c['key_evidence'] if c['key_evidence'] else ''}")
    if item["reviews"]:
        lines.append("  reviews:")
        for r in item["reviews"]:
            lines.append(f"    {r['reviewed_at']:%Y-%m-%d %H:%M} {r['reviewer']}: {r['action']}"
                         f"{' lead ' + str(r['odoo_lead_id']) if r['odoo_lead_id'] else ''}"
                         f"{' — ' + r['reason'] if r['reason'] else ''} ({r['entered_via']})")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ CSV round-trip

FILL_COLUMNS = ("review_action", "review_odoo_lead_id", "review_reason")


def export_queue(path: Path, **filters) -> int:
    """Write the queue as CSV: one row per opportunity with its top candidates and the columns to fill in."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        ensure_schema(cur)
        items = queue(cur, **filters)
        cur.execute("""select ace_opportunity_id, rank, odoo_lead_id, lead_name, confidence
                       from pod.matches left join core.odoo_opportunities on odoo_lead_id = lead_id
                       where rank <= %s and ace_opportunity_id = any(%s)
                       order by ace_opportunity_id, rank""",
                    (CANDIDATES_IN_CSV, [i["ace_opportunity_id"] for i in items]))
        candidates: dict[str, list] = {}
        for ace, rank, lead, name, confidence in cur.fetchall():
            candidates.setdefault(ace, []).append((lead, name, confidence))
    header = ["ace_opportunity_id", "customer_company_name", "opportunity_title", "machine_decision",
              "review_status", "review_rules", "reasons", "review_changes"]
    for n in range(1, CANDIDATES_IN_CSV + 1):
        header += [f"candidate_{n}_lead_id", f"candidate_{n}_lead_name", f"candidate_{n}_confidence"]
    header += list(FILL_COLUMNS)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for item in items:
            row = [item["ace_opportunity_id"], item["customer_company_name"], item["opportunity_title"],
                   item["decision"], item["review_status"], item["review_rules"], item["reasons"],
                   item["review_changes"]]
            tops = candidates.get(item["ace_opportunity_id"], [])
            for n in range(CANDIDATES_IN_CSV):
                lead, name, confidence = tops[n] if n < len(tops) else (None, None, None)
                row += [lead, name, None if confidence is None else round(float(confidence), 4)]
            writer.writerow(row + ["", "", ""])
    return len(items)


@dataclass
class ImportResult:
    rows: int = 0
    blank: int = 0
    recorded: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_file: Path | None = None


def rejected_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejected.csv")


def import_file(path: Path, reviewer: str | None = None) -> ImportResult:
    """Validate every row of a filled-in queue CSV; record the good rows in one transaction, write the bad ones
    with the reason per row to <file>.rejected.csv. Rows without review_action are left alone."""
    path = Path(path)
    if not path.is_file():
        raise ReviewError(f"{path} does not exist.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("ace_opportunity_id", *FILL_COLUMNS) if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewError(f"{path} lacks the column(s) {', '.join(missing)}: start from `revops review export`.")
        fieldnames = list(reader.fieldnames)
        rows = list(reader)
    who = reviewer_name(reviewer)
    result = ImportResult(rows=len(rows))
    bad: list[dict] = []
    with warehouse.connect() as conn, conn.cursor() as cur:
        ensure_schema(cur)
        _require_built(cur)
        for number, row in enumerate(rows, start=2):
            if not (row.get("review_action") or "").strip():
                result.blank += 1
                continue
            try:
                item = validate(cur, Review(row.get("ace_opportunity_id") or "", row["review_action"],
                                            row.get("review_odoo_lead_id") or None, row.get("review_reason")))
            except ReviewError as exc:
                bad.append({**row, "line": number, "error": str(exc)})
                continue
            if _insert(cur, item, who, f"csv:{path.name}") is None:
                result.unchanged += 1
            else:
                result.recorded += 1
    result.rejected = len(bad)
    target = rejected_path(path)
    if bad:
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["line", "error", *fieldnames], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(bad)
        result.rejected_file = target
    elif target.exists():
        target.unlink()  # a stale file of an earlier import would mislead
    return result


# ------------------------------------------------------------------------------------------------ claims

CLAIM_COLUMNS = ("ace_opportunity_id", "customer_company_name", "opportunity_title", "aws_account_ids", "odoo_lead_id",
                 "odoo_lead_name", "confidence", "final_decision", "decided_at", "decided_by", "review_reason",
                 "rule_evidence")


def export_approved(path: Path, exporter: str | None = None) -> int:
    """Write the approved POD claims not exported before as CSV (the shape a partner submits to AWS) and record
    each in review.claim_exports, in one transaction: nothing is claimed twice."""
    who = reviewer_name(exporter)
    path = Path(path)
    with warehouse.connect() as conn, conn.cursor() as cur:
        ensure_schema(cur)
        cur.execute("select to_regclass('pod.approved_claims') is not null")
        if not cur.fetchone()[0]:
            raise ReviewError("the warehouse has no pod.approved_claims yet: run `revops run` first.")
        cur.execute("lock table review.claim_exports in share row exclusive mode")
        cur.execute(f"""
            select {', '.join('claims.' + c for c in CLAIM_COLUMNS)}
            from pod.approved_claims as claims
            where not exists (select 1 from review.claim_exports as exports
                              where exports.ace_opportunity_id = claims.ace_opportunity_id)
            order by claims.ace_opportunity_id""")
        rows = [dict(zip(CLAIM_COLUMNS, r)) for r in cur.fetchall()]
        # one readable column per rule ("pass: explanation") beside the full evidence as JSON
        rule_ids = sorted({rule for r in rows for rule in (r["rule_evidence"] or {})})
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*CLAIM_COLUMNS, *(f"rule_{rule}" for rule in rule_ids)])
            for r in rows:
                evidence = r["rule_evidence"] or {}
                writer.writerow([json.dumps(r[c], sort_keys=True) if c == "rule_evidence" else r[c] for c in CLAIM_COLUMNS]
                                + [f"{evidence[rule]['outcome']}: {evidence[rule].get('explanation') or ''}"
                                   if rule in evidence else "" for rule in rule_ids])
        psycopg2.extras.execute_values(
            cur, "insert into review.claim_exports (ace_opportunity_id, odoo_lead_id, decision, exported_by, file_name) "
                 "values %s",
            [(r["ace_opportunity_id"], r["odoo_lead_id"], r["final_decision"], who, path.name) for r in rows])
    return len(rows)


# ------------------------------------------------------------------------------------------------ labels

def reviewed_labels(cur) -> tuple[dict[str, set[int]], set[str]]:
    """Labels from the latest lead review of each opportunity: (opportunity -> its lead, opportunities without)."""
    cur.execute("select to_regclass('review.reviews') is not null")
    if not cur.fetchone()[0]:
        return {}, set()
    cur.execute("""
        select distinct on (ace_opportunity_id) ace_opportunity_id, action, odoo_lead_id
        from review.reviews where action in ('confirm_lead', 'choose_lead', 'no_lead')
        order by ace_opportunity_id, reviewed_at desc, review_id desc""")
    matches: dict[str, set[int]] = {}
    no_match: set[str] = set()
    for ace, action, lead in cur.fetchall():
        if action == "no_lead":
            no_match.add(ace)
        else:
            matches[ace] = {lead}
    return matches, no_match
