"""Demo source databases: an Odoo and an APN database that follow the contract, filled
deterministically with realistic, messy data, plus the ground truth to grade the pipeline against.

Ground truth lives in schema `truth` of the **APN** database (the pipeline never reads it):

- `truth.generation`       scale, seed, generator_version, anchor_date, generated_at (one row; also
                           written to the Odoo database so `demo_is_current` can check both). Only
                           `generated_at` depends on the clock; checksums skip the truth schema.
- `truth.ace_odoo_match`   (ace_opportunity_id, odoo_lead_id, relation): every true pair, many-to-many
                           (relation: registration | second_registration | duplicate_lead).
- `truth.ace_no_match`     (ace_opportunity_id, reason, odoo_partner_id): ACE opportunities that belong
                           to no Odoo lead. Every ACE opportunity is in exactly one of the two tables.
- `truth.pod_inputs`       per matched ACE opportunity: ownership, prior-month spend of the customer
                           (sum of CUR unblended_cost of all its accounts), close date vs the anchor.
- `truth.billing_discrepancies` (kind, c_aws_account_id, billing_period, move_id, note).
- `truth.messiness`        (kind, table_name, row_key, note): one row per planted messy case.
- `truth.customers`        the invented customers: brand, legal name, domain, spend tier.
- `truth.ace_situation`    (ace_opportunity_id, situation, note): the hard matching situation of every ACE
                           opportunity (revops/demo/situations.py), `ordinary` when none was planted.

The demo's clock is fixed: `anchor_date` (2026-11-01) is "today" for POD close-date rules.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter

import numpy as np
import psycopg2

from demo_data import ace, billing, crm, sales, world
from demo_data.copyio import (
    contract_ddl, copy_columns, database_exists, recreate_database, reset_sequences, split_ddl, table_columns,
)
from demo_data.model import ANCHOR_DATE, CUR_MONTHS, FIRST_CUR_MONTH, GENERATOR_VERSION, Ctx, month_add, months_between
from revops.settings import ConnectionParts

log = logging.getLogger(__name__)

# Load order respects the foreign keys (they are validated once, after the load).
ODOO_ORDER = (
    "res_country", "res_country_state", "res_partner", "res_users", "crm_team", "crm_stage", "product_template",
    "product_product", "c_aws_accounts", "crm_lead", "sale_order", "sale_order_line", "project_project",
    "c_aws_funding_request",
)
APN_ORDER = ("users", "opportunity", "end_user", "funding_request", "funding_request_history", "cash_claim")

TRUTH_DDL = """
create schema truth;
comment on schema truth is 'Ground truth of the demo generator; never read by the pipeline.';
create table truth.generation (
    scale numeric not null, seed integer not null, generator_version text not null,
    anchor_date date not null, generated_at timestamptz not null default now()
);
create table truth.ace_odoo_match (
    ace_opportunity_id varchar(20) not null, odoo_lead_id integer not null, relation text not null,
    primary key (ace_opportunity_id, odoo_lead_id)
);
create table truth.ace_no_match (
    ace_opportunity_id varchar(20) primary key, reason text not null, odoo_partner_id integer
);
create table truth.pod_inputs (
    ace_opportunity_id varchar(20) not null, odoo_lead_id integer not null, odoo_partner_id integer not null,
    opportunity_ownership text not null, is_partner_originated boolean not null, created_date date not null,
    spend_month date not null, is_spend_known boolean not null, prior_month_spend numeric not null,
    is_below_spend_threshold boolean not null, stage text not null, target_close_date date,
    days_to_close integer, is_close_within_90_days boolean, has_competing_open_opportunity boolean not null,
    case_label text not null, primary key (ace_opportunity_id, odoo_lead_id)
);
create table truth.billing_discrepancies (
    kind text not null, c_aws_account_id integer not null, billing_period date not null, move_id integer, note text
);
create table truth.messiness (kind text not null, table_name text not null, row_key text not null, note text);
create table truth.ace_situation (
    ace_opportunity_id varchar(20) primary key, situation text not null, note text
);
create table truth.customers (
    odoo_partner_id integer primary key, brand text not null, legal_name text not null, domain text not null,
    kind text not null, spend_tier text, aws_account_ids text
);
"""
GENERATION_DDL = """
create schema if not exists truth;
create table truth.generation (
    scale numeric not null, seed integer not null, generator_version text not null,
    anchor_date date not null, generated_at timestamptz not null default now()
);
"""
SPEND_THRESHOLD = 5000.0
# Session settings for the bulk load: key validation and index builds sort/hash in memory.
BULK_SETTINGS = "set work_mem = '256MB'; set maintenance_work_mem = '512MB'"
# Kinds of mess every generation plants at least once, whatever the scale (truth.messiness.kind).
PLANTED_KINDS = (
    # names that differ between systems, and companies that only look alike
    "name_brand_vs_legal", "name_suffix_dropped", "name_suffix_changed", "name_typo", "name_spacing", "name_case",
    "name_punctuation", "name_accents", "name_acronym", "name_whitespace_case", "lookalike_company", "null_name",
    # AWS account ids as people type them
    "account_id_missing", "account_id_dashes", "account_id_spaces", "account_id_lost_zero", "account_id_payer",
    "account_id_unknown", "account_id_leading_zero", "payer_many_linked",
    # websites and domains
    "website_missing", "website_path", "website_scheme", "website_bare", "website_only_email_domain",
    # typed ACE ids and partner CRM ids
    "ace_id_lowercase", "ace_id_spaces", "ace_id_missing_o", "ace_id_prefix", "ace_id_two_ids", "partner_crm_id",
    # cardinality
    "ace_no_odoo_lead", "lead_two_ace", "duplicate_record", "kind_many_leads", "masked_end_user",
    # bad values
    "long_description", "emoji_text", "rtl_text", "sql_like_text", "future_date", "future_close_date",
    "ancient_date", "negative_cost", "negative_amount", "unknown_usage_account", "title_without_company",
    "status_api_value",
)
BILLING_KINDS = ("not_billed", "under_billed", "invoice_without_cost", "credited_invoice")


def create_demo_sources(odoo: ConnectionParts, apn: ConnectionParts, *, scale: float = 1.0, seed: int = 42) -> dict:
    """Drop and recreate both databases, load the contract DDL, fill them deterministically, write the
    truth schema. Returns a summary dict (row counts per table, planted cases)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.monotonic()
    ctx = Ctx(scale=scale, seed=seed, rng=random.Random(seed), np_rng=np.random.default_rng(seed),
              situation_rng=random.Random(seed * 7919 + 13))
    odoo_ddl, apn_ddl = contract_ddl("odoo"), contract_ddl("apn")
    cols = {**table_columns(odoo_ddl), **table_columns(apn_ddl)}
    _build_world(ctx, cols)
    recreate_database(odoo)
    recreate_database(apn)
    counts: dict[str, dict[str, int]] = {}
    log.info("world built in %.1f s", time.monotonic() - started)
    conn = psycopg2.connect(odoo.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(BULK_SETTINGS)
            early, late = split_ddl(odoo_ddl)
            cur.execute(early)
            _load_odoo_small(ctx, cur)
            cost = billing.build_cur(ctx)
            billing.write_cur(ctx, cur, cost)
            log.info("cost rows loaded at %.1f s", time.monotonic() - started)
            plan = billing.plan_billing(ctx, cost, ctx.orders)
            billing.write_billing(ctx, cur, cost, plan)
            log.info("invoices loaded at %.1f s", time.monotonic() - started)
            cur.execute(late)
            log.info("odoo keys validated at %.1f s", time.monotonic() - started)
            reset_sequences(cur)
            cur.execute(GENERATION_DDL)
        conn.commit()
        counts["odoo"] = _counts(conn)
    finally:
        conn.close()
    _pod_inputs(ctx)
    conn = psycopg2.connect(apn.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(BULK_SETTINGS)
            early, late = split_ddl(apn_ddl)
            cur.execute(early)
            for table in APN_ORDER:
                copy_columns(cur, table, _present(ctx.apn[table]), freeze=True)
            cur.execute(late)
            reset_sequences(cur)
            cur.execute(TRUTH_DDL)
            _write_truth(ctx, cur)
        conn.commit()
        counts["apn"] = _counts(conn)
        counts["truth"] = _counts(conn, "truth")
    finally:
        conn.close()
    log.info("apn loaded at %.1f s", time.monotonic() - started)
    for parts in (odoo, apn):  # written last: a half-built demo is never "current"
        _analyze(parts)
        _stamp(parts, scale, seed)
    log.info("analyzed at %.1f s", time.monotonic() - started)
    messiness = Counter(row[0] for row in ctx.truth["messiness"])
    discrepancies = Counter(row[0] for row in ctx.truth.get("billing_discrepancies", []))
    return {
        "scale": scale, "seed": seed, "generator_version": GENERATOR_VERSION, "anchor_date": ANCHOR_DATE.isoformat(),
        "odoo_database": odoo.database, "apn_database": apn.database,
        "odoo": counts["odoo"], "apn": counts["apn"], "truth": counts["truth"],
        "planted": dict(sorted(messiness.items())), "billing_discrepancies": dict(sorted(discrepancies.items())),
        "seconds": round(time.monotonic() - started, 1),
    }


def _build_world(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    world.build_reference(ctx, cols)
    world.build_users(ctx, cols)
    world.build_customers(ctx, cols)
    world.build_accounts(ctx, cols)
    world.build_products(ctx, cols)
    ace.build_users(ctx, cols)
    crm.plan_leads(ctx)
    ace.plan(ctx)
    crm.write_leads(ctx, cols)
    ace.write(ctx, cols)
    ctx.orders = sales.build_orders(ctx, cols)
    sales.build_funding(ctx, cols)


def _present(table: dict[str, list]) -> dict[str, list]:
    """Columns with at least one value: all-NULL columns are left out so column defaults apply."""
    return {name: values for name, values in table.items() if any(v is not None for v in values)}


def _load_odoo_small(ctx: Ctx, cur) -> None:
    partners = ctx.odoo["res_partner"]
    salesperson = list(partners["user_id"])
    partners["user_id"] = [None] * len(salesperson)
    for table in ODOO_ORDER:
        copy_columns(cur, table, _present(ctx.odoo[table]), freeze=True)
    # res_partner.user_id <-> res_users.partner_id cycle: partners, then users, then the salesperson
    cur.execute("create temp table partner_salesperson (id integer primary key, user_id integer) on commit drop")
    pairs = [(pid, uid) for pid, uid in zip(partners["id"], salesperson) if uid is not None]
    copy_columns(cur, "partner_salesperson", {"id": [p for p, _ in pairs], "user_id": [u for _, u in pairs]})
    cur.execute("update res_partner set user_id = ps.user_id from partner_salesperson ps where res_partner.id = ps.id")
    partners["user_id"] = salesperson


def _pod_inputs(ctx: Ctx) -> None:
    """What the POD rules should see for every matched ACE opportunity (spend from the generated CUR)."""
    rows = []
    open_stages = set(ace.ace_open_stages())
    opp = ctx.apn["opportunity"]
    stage_of = dict(zip(opp["id"], opp["stage"]))
    close_of = dict(zip(opp["id"], opp["target_close_date"]))
    open_by_customer: dict[int, set[str]] = {}
    for row in ctx.ace_rows:
        if row.get("lead") and stage_of[row["id"]] in open_stages:
            open_by_customer.setdefault(row["customer"].idx, set()).add(row["id"])
    for row in ctx.ace_rows:
        lead = row.get("lead")
        if not lead:
            continue
        leads = [lead] + row.get("extra_leads", [])
        cust = row["customer"]
        created = row["created"].date()
        spend_month = month_add(created.replace(day=1), -1)
        known = 0 <= months_between(FIRST_CUR_MONTH, spend_month) < CUR_MONTHS
        spend = ctx.spend.get((cust.idx, spend_month), 0.0)
        ownership = "AWS Referral" if row["aws"] else "Partner Referral"
        close = close_of[row["id"]]
        days = (close - ANCHOR_DATE).days if close else None
        within = None if days is None else 0 <= days <= 90
        competing = len(open_by_customer.get(cust.idx, set()) - {row["id"]}) > 0
        below = spend < SPEND_THRESHOLD
        label = "|".join((
            "partner" if ownership == "Partner Referral" else "aws",
            ("spend_unknown" if not known else ("under_5k" if below else "over_5k")),
            "no_close_date" if days is None else ("close_within_90d" if within else ("close_overdue" if days < 0 else "close_beyond_90d")),
            "competing" if competing else "alone",
        ))
        for each in leads:
            rows.append((row["id"], each.id, cust.partner_id, ownership, ownership == "Partner Referral", created,
                         spend_month, known, round(spend, 2), below, stage_of[row["id"]], close, days, within,
                         competing, label))
    ctx.truth["pod_inputs"] = rows


def _write_truth(ctx: Ctx, cur) -> None:
    def put(table: str, names: tuple[str, ...], rows: list[tuple]) -> None:
        copy_columns(cur, f"truth.{table}", {n: [r[i] for r in rows] for i, n in enumerate(names)} if rows
                     else {n: [] for n in names})

    put("ace_odoo_match", ("ace_opportunity_id", "odoo_lead_id", "relation"), ctx.truth["ace_odoo_match"])
    put("ace_no_match", ("ace_opportunity_id", "reason", "odoo_partner_id"), ctx.truth["ace_no_match"])
    put("pod_inputs", ("ace_opportunity_id", "odoo_lead_id", "odoo_partner_id", "opportunity_ownership",
                       "is_partner_originated", "created_date", "spend_month", "is_spend_known", "prior_month_spend",
                       "is_below_spend_threshold", "stage", "target_close_date", "days_to_close",
                       "is_close_within_90_days", "has_competing_open_opportunity", "case_label"),
        ctx.truth["pod_inputs"])
    discrepancies = [(k, a, p, mv, note) for k, a, p, mv, note in ctx.truth.get("billing_discrepancies", [])]
    put("billing_discrepancies", ("kind", "c_aws_account_id", "billing_period", "move_id", "note"), discrepancies)
    put("messiness", ("kind", "table_name", "row_key", "note"), ctx.truth["messiness"])
    put("ace_situation", ("ace_opportunity_id", "situation", "note"), ctx.truth.get("ace_situation", []))
    customers = []
    for cust in ctx.customers:
        ids = ",".join(ctx.accounts[a - 1].aws_account_id for a in cust.accounts) or None
        customers.append((cust.partner_id, cust.brand, cust.legal, cust.domain, cust.kind, cust.tier, ids))
    put("customers", ("odoo_partner_id", "brand", "legal_name", "domain", "kind", "spend_tier", "aws_account_ids"),
        customers)


def _stamp(parts: ConnectionParts, scale: float, seed: int) -> None:
    conn = psycopg2.connect(parts.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("delete from truth.generation")
            cur.execute("insert into truth.generation (scale, seed, generator_version, anchor_date) values (%s, %s, %s, %s)",
                        (scale, seed, GENERATOR_VERSION, ANCHOR_DATE))
        conn.commit()
    finally:
        conn.close()


def _analyze(parts: ConnectionParts) -> None:
    conn = psycopg2.connect(parts.dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("analyze")
    finally:
        conn.close()


def _counts(conn, schema: str = "public") -> dict[str, int]:
    with conn.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = %s and table_type = 'BASE TABLE' "
                    "order by table_name", (schema,))
        tables = [r[0] for r in cur.fetchall()]
        out = {}
        for table in tables:
            cur.execute(f'select count(*) from "{schema}"."{table}"')
            out[table] = cur.fetchone()[0]
    return out


def demo_is_current(odoo: ConnectionParts, apn: ConnectionParts, *, scale: float, seed: int) -> bool:
    """True when both databases exist and were generated with this scale and seed by the current
    generator version (read from truth.generation, written as the last step of a generation)."""
    for parts in (odoo, apn):
        if not database_exists(parts):
            return False
        try:
            conn = psycopg2.connect(parts.dsn(), connect_timeout=5)
        except psycopg2.OperationalError:
            return False
        try:
            with conn.cursor() as cur:
                cur.execute("select to_regclass('truth.generation')")
                if cur.fetchone()[0] is None:
                    return False
                cur.execute("select scale, seed, generator_version from truth.generation")
                rows = cur.fetchall()
        finally:
            conn.close()
        if len(rows) != 1:
            return False
        got_scale, got_seed, version = rows[0]
        if float(got_scale) != float(scale) or got_seed != seed or version != GENERATOR_VERSION:
            return False
    return True


def format_summary(summary: dict) -> str:
    """Human-readable lines the CLI prints."""
    lines = [
        f"demo sources generated in {summary['seconds']} s (scale {summary['scale']}, seed {summary['seed']}, "
        f"generator {summary['generator_version']}, anchor date {summary['anchor_date']})",
    ]
    for system in ("odoo", "apn", "truth"):
        database = summary["apn_database"] if system != "odoo" else summary["odoo_database"]
        label = f"{database} ({'schema truth' if system == 'truth' else 'public'})"
        lines.append(f"  {label}:")
        for table, count in summary[system].items():
            lines.append(f"    {table:<32} {count:>10,}")
    lines.append("  planted messiness: " + ", ".join(f"{k} {v}" for k, v in summary["planted"].items()))
    lines.append("  billing discrepancies: " + ", ".join(f"{k} {v}" for k, v in summary["billing_discrepancies"].items()))
    return "\n".join(lines)
