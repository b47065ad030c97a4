"""A tiny generation loads into the contract, keeps its promises and plants every kind of mess."""

from __future__ import annotations

import re

import psycopg2

from demo_data.generate import BILLING_KINDS, PLANTED_KINDS, demo_is_current, format_summary
from demo_data.vocab import GENERIC_MAIL_DOMAINS
from revops.settings import ConnectionParts



def _query(parts: ConnectionParts, sql: str, args: tuple = ()) -> list[tuple]:
    conn = psycopg2.connect(parts.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def _one(parts: ConnectionParts, sql: str, args: tuple = ()):
    return _query(parts, sql, args)[0][0]


def test_every_contract_table_is_filled(tiny_demo) -> None:
    _, _, summary = tiny_demo
    for system in ("odoo", "apn"):
        empty = [table for table, count in summary[system].items() if count == 0]
        assert not empty, f"{system} tables without rows: {empty}"
    assert len(summary["odoo"]) == 20 and len(summary["apn"]) == 6


def test_foreign_keys_are_declared_and_validated(tiny_demo) -> None:
    odoo, apn, _ = tiny_demo
    for parts, expected in ((odoo, 60), (apn, 6)):
        count, invalid = _query(parts, "select count(*), count(*) filter (where not convalidated) from pg_constraint "
                                       "where contype = 'f' and connamespace = 'public'::regnamespace")[0]
        assert invalid == 0
        assert count == expected


def test_partner_salesperson_cycle_is_closed(tiny_demo) -> None:
    odoo, _, _ = tiny_demo
    assert _one(odoo, "select count(*) from res_partner where user_id is not null") > 0
    assert _one(odoo, "select count(*) from res_partner p join res_users u on u.id = p.user_id") == \
        _one(odoo, "select count(*) from res_partner where user_id is not null")


def test_cursor_columns_are_filled_everywhere(tiny_demo) -> None:
    odoo, apn, summary = tiny_demo
    for table in summary["odoo"]:
        assert _one(odoo, f"select count(*) from {table} where write_date is null or create_date is null") == 0, table
    for table in ("opportunity", "end_user", "users", "funding_request", "cash_claim"):
        assert _one(apn, f"select count(*) from {table} where last_modified_date < created_date") == 0, table


def test_ace_ids_and_check_constraints(tiny_demo) -> None:
    odoo, apn, _ = tiny_demo
    ids = [row[0] for row in _query(apn, "select id from opportunity")]
    assert all(re.fullmatch(r"O[0-9]{1,19}", i) for i in ids)
    assert _one(odoo, "select count(*) from crm_lead where probability < 0 or probability > 100") == 0
    assert _one(odoo, "select count(*) from crm_lead where type = 'opportunity' and not active and probability = 0") > 0


def test_every_ace_opportunity_has_exactly_one_truth_answer(tiny_demo) -> None:
    _, apn, _ = tiny_demo
    assert _one(apn, """
        select count(*) from opportunity o
        where (select count(*) from truth.ace_no_match n where n.ace_opportunity_id = o.id)
            + least(1, (select count(*) from truth.ace_odoo_match m where m.ace_opportunity_id = o.id)) <> 1
    """) == 0
    assert _one(apn, "select count(distinct relation) from truth.ace_odoo_match") == 3


def test_truth_leads_exist_in_odoo(tiny_demo) -> None:
    odoo, apn, _ = tiny_demo
    lead_ids = {row[0] for row in _query(apn, "select odoo_lead_id from truth.ace_odoo_match")}
    known = {row[0] for row in _query(odoo, "select id from crm_lead")}
    assert lead_ids and lead_ids <= known


def test_masked_referrals_are_unaccepted_aws_referrals(tiny_demo) -> None:
    _, apn, _ = tiny_demo
    rows = _query(apn, """
        select o.opportunity_ownership, o.partner_acceptance_status, e.first_name
        from end_user e join opportunity o on o.id = e.opportunity_id where e.is_masked
    """)
    assert rows
    assert {r[0] for r in rows} == {"AWS Referral"}
    assert {r[1] for r in rows} == {None}
    assert {r[2] for r in rows} == {"Accept to View"}


def test_every_planted_kind_is_present(tiny_demo) -> None:
    _, apn, _ = tiny_demo
    kinds = {row[0] for row in _query(apn, "select distinct kind from truth.messiness")}
    assert set(PLANTED_KINDS) - kinds == set()
    billing = {row[0] for row in _query(apn, "select distinct kind from truth.billing_discrepancies")}
    assert set(BILLING_KINDS) - billing == set()


def test_pod_inputs_cover_the_rule_outcomes(tiny_demo) -> None:
    _, apn, _ = tiny_demo
    rows = _query(apn, """
        select bool_or(is_partner_originated), bool_or(not is_partner_originated),
               bool_or(is_spend_known and is_below_spend_threshold), bool_or(is_spend_known and not is_below_spend_threshold),
               bool_or(is_close_within_90_days), bool_or(not is_close_within_90_days)
        from truth.pod_inputs
    """)[0]
    assert all(rows), rows


def test_cur_amounts_add_up(tiny_demo) -> None:
    odoo, _, _ = tiny_demo
    assert _one(odoo, """
        select count(*) from c_billing_internal_cur
        where unblended_cost <> usage_cost + discount_amount + credit_amount + refund_amount + tax_amount
           or discount_amount > 0 or credit_amount > 0 or refund_amount > 0 or currency_code <> 'USD'
    """) == 0


def test_billed_lines_match_aws_cost_except_planted_cases(tiny_demo) -> None:
    odoo, apn, _ = tiny_demo
    planted = {(a, p) for a, p in _query(apn, "select c_aws_account_id, billing_period from truth.billing_discrepancies "
                                              "where kind in ('invoice_without_cost', 'not_billed')")}
    rows = _query(odoo, """
        with cost as (
            select c_aws_account_id, billing_period, sum(unblended_cost) as cost
            from c_billing_internal_cur where c_aws_account_id is not null group by 1, 2
        ), billed as (
            select bl.c_aws_account_id, b.billing_period, sum(bl.aws_cost) as billed
            from c_billing_bill_line bl join c_billing_bill b on b.id = bl.bill_id group by 1, 2
        )
        select billed.c_aws_account_id, billed.billing_period, cost.cost, billed.billed
        from billed left join cost using (c_aws_account_id, billing_period)
    """)
    assert rows
    wrong = [r for r in rows if (r[0], r[1]) not in planted and r[2] != r[3]]
    assert wrong == []


def test_invoice_lines_link_and_moves_balance(tiny_demo) -> None:
    odoo, _, _ = tiny_demo
    assert _one(odoo, "select count(*) from (select move_id from account_move_line group by 1 "
                      "having abs(sum(balance)) > 0.001) x") == 0
    assert _one(odoo, """
        select count(*) from c_billing_bill_line bl join account_move_line l on l.id = bl.move_line_id
        join c_billing_bill b on b.id = bl.bill_id
        where l.move_id <> b.move_id or l.price_subtotal <> bl.price_subtotal
           or l.c_aws_account_id is distinct from bl.c_aws_account_id or l.c_billing_period <> b.billing_period
    """) == 0
    assert _one(odoo, "select count(*) from account_move where move_type = 'out_refund' and reversed_entry_id is null") == 0
    kinds = {r[0] for r in _query(odoo, "select distinct display_type from account_move_line")}
    assert {"product", "tax", "payment_term"} <= kinds


def test_demo_is_current(tiny_demo, server: ConnectionParts) -> None:
    odoo, apn, summary = tiny_demo
    scale = summary["scale"]
    assert demo_is_current(odoo, apn, scale=scale, seed=42)
    assert not demo_is_current(odoo, apn, scale=scale, seed=43)
    assert not demo_is_current(odoo, apn, scale=0.5, seed=42)
    assert not demo_is_current(server.with_database("no_such_demo_db"), apn, scale=scale, seed=42)


def test_format_summary(tiny_demo) -> None:
    _, _, summary = tiny_demo
    text = format_summary(summary)
    assert "crm_lead" in text and "opportunity" in text and "ace_odoo_match" in text


def test_every_ace_opportunity_has_a_situation_and_each_hard_one_is_planted(tiny_demo):
    """Issue 13: the hard matching situations exist at any scale, each with its truth."""
    import psycopg2

    _, apn, _ = tiny_demo
    with psycopg2.connect(apn.dsn()) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from opportunity where id not in (select ace_opportunity_id from truth.ace_situation)")
        assert cur.fetchone()[0] == 0
        cur.execute("""select situation, count(*) filter (where ace_opportunity_id in
                           (select ace_opportunity_id from truth.ace_odoo_match)),
                       count(*) filter (where ace_opportunity_id in (select ace_opportunity_id from truth.ace_no_match))
                       from truth.ace_situation group by 1""")
        per = {situation: (linked, unlinked) for situation, linked, unlinked in cur.fetchall()}
    for situation in ("renamed", "account_moved", "parent_subsidiary", "script"):
        assert per.get(situation, (0, 0))[0] >= 1, situation
    assert per["namesake"][1] >= 1 and per["shared_domain"][1] >= 1
    assert per["name_only"][0] >= 1 and per["name_only"][1] >= 1  # this deal, and a deal without a lead
    assert per["ordinary"][0] > sum(linked for s, (linked, _) in per.items() if s != "ordinary")


def test_name_only_registrations_carry_no_key(tiny_demo):
    """Issue 13: a `name_only` registration is tied to its lead by the company name and the dates alone."""
    import psycopg2

    odoo, apn, _ = tiny_demo
    with psycopg2.connect(apn.dsn()) as conn, conn.cursor() as cur:
        cur.execute("""select o.id, o.aws_account_id, o.customer_website, o.partner_crm_unique_identifier,
                              o.customer_company_name,
                              coalesce(bool_or(e.website_url is not null
                                               or coalesce(split_part(e.email, '@', 2) not in %s, false)), false)
                       from opportunity o join truth.ace_situation s on s.ace_opportunity_id = o.id
                       left join end_user e on e.opportunity_id = o.id
                       where s.situation = 'name_only' group by 1, 2, 3, 4, 5""", (GENERIC_MAIL_DOMAINS,))
        rows = cur.fetchall()
        cur.execute("select ace_opportunity_id from truth.ace_odoo_match")
        linked = {row[0] for row in cur.fetchall()}
    assert rows
    for ace_id, account, website, crm_id, company, end_user_key in rows:
        assert (account, website, crm_id, end_user_key) == (None, None, None, False), ace_id
    with psycopg2.connect(odoo.dsn()) as conn, conn.cursor() as cur:
        cur.execute("select x_studio_ace_opportunity_id from crm_lead where x_studio_ace_opportunity_id is not null")
        typed = " ".join(row[0] for row in cur.fetchall()).upper().replace(" ", "")
    assert not any(ace_id[1:] in typed for ace_id, *_ in rows if ace_id in linked)
