"""Billing periods and honest margins, on a real warehouse built from the scale-0.05 demo (seed 42).

The demo's sources are as of 2026-11-01 (demo_data.model.ANCHOR): usage is invoiced up to
LAST_INVOICED_MONTH, the months after it have cost and no invoice yet. Everything here is checked against the
source databases themselves (not the marts' own columns): the open months, the margin of billable accounts in
closed months, internal (non-billable) cost, and the per-month totals to the cent. The dbt tests that enforce
the invariants are also shown to fail on a mart that breaks them.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest

from revops import settings
from demo_data.model import LAST_INVOICED_MONTH
from tests.conftest import query, recreate_database, revops

pytestmark = pytest.mark.slow

# databases of this module only (other test modules use their own names on the same server)
DATABASES = {"REVOPS_DATABASE_URL": "billing_test_wh", "ODOO_DATABASE_URL": "billing_test_odoo",
             "APN_DATABASE_URL": "billing_test_apn"}
BILLING = ["build", "-s", "+billing", "--exclude", "staging", "core"]
UPSTREAM = ["run", "-s", "+billing", "--exclude", "billing"]

# posted customer invoice and credit note lines of AWS resale, signed (credit notes negative), per usage month
SOURCE_POSTED_BY_MONTH = """
    select
        coalesce(line.c_billing_period, move.c_billing_period,
                 date_trunc('month', coalesce(move.invoice_date, move.date))::date) as billing_month,
        round(sum(coalesce(-line.balance,
                           case when move.move_type = 'out_refund' then -line.price_subtotal else line.price_subtotal end)), 2)
    from account_move_line as line
    join account_move as move on move.id = line.move_id
    left join product_product as product on product.id = line.product_id
    left join product_template as template on template.id = product.product_tmpl_id
    where move.state = 'posted' and move.move_type in ('out_invoice', 'out_refund') and line.display_type = 'product'
      and (line.c_aws_account_id is not null or coalesce(line.c_service_code, template.c_aws_service_code) is not null)
    group by 1
"""


@pytest.fixture(scope="module")
def billing_wh(warehouse_server):
    saved = {name: os.environ.get(name) for name in DATABASES}
    for name, database in DATABASES.items():
        os.environ[name] = f"postgresql://postgres@127.0.0.1:{settings.embedded_port()}/{database}"
    try:
        from demo_data import generate

        wh = recreate_database(settings.warehouse())
        generate.create_demo_sources(settings.odoo(), settings.apn(), scale=0.05, seed=42)
        revops("extract", "--full-refresh")  # the pipeline state of the tests' home may belong to another warehouse
        revops("dbt", *UPSTREAM)
        revops("dbt", *BILLING)
        yield wh
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _internal_account_ids() -> set[str]:
    return {row[0] for row in query(settings.odoo(), "select aws_account_id from c_aws_accounts where billable is false")}


def test_months_after_the_last_invoiced_one_are_open(billing_wh):
    periods = dict(query(billing_wh, "select billing_month, period_status from billing.billing_periods"))
    cur_months = {row[0] for row in query(settings.odoo(), "select distinct billing_period from c_billing_internal_cur")}
    assert cur_months <= set(periods)
    open_months = {month for month, status in periods.items() if status == "open"}
    assert open_months == {month for month in cur_months if month > LAST_INVOICED_MONTH}
    assert open_months, "the demo has no open month: nothing is tested"
    # every mart marks them, and never with a margin
    for mart in ("cost_vs_invoice_monthly", "cost_vs_invoice_payer_monthly", "cost_vs_invoice_customer_monthly"):
        rows = query(billing_wh, f"""
            select billing_month, bool_and(is_open_period), count(margin) + count(margin_pct) + count(posted_margin)
            from billing.{mart} where billing_month in %s group by billing_month""", (tuple(open_months),))
        assert {row[0] for row in rows} == open_months, mart
        assert all(row[1] and row[2] == 0 for row in rows), (mart, rows)
    # and nothing in them is a finding yet
    assert not query(billing_wh, "select * from billing.findings where billing_month in %s", (tuple(open_months),))


def test_margin_headline_is_billable_accounts_in_closed_months(billing_wh):
    """The headline the page shows (sum of margin over sum of margin_invoiced_amount) equals invoiced - cost of
    billable accounts in invoiced months, computed from the Odoo source rows."""
    internal = tuple(_internal_account_ids())
    assert internal, "the demo has no internal account: nothing is tested"
    source_cost = query(settings.odoo(), """
        select coalesce(round(sum(unblended_cost), 2), 0) from c_billing_internal_cur
        where billing_period <= %s and usage_account_id not in %s""", (LAST_INVOICED_MONTH, internal))[0][0]
    source_invoiced = query(settings.odoo(), """
        select coalesce(round(sum(line.price_subtotal), 2), 0)
        from c_billing_bill_line as line
        join c_billing_bill as bill on bill.id = line.bill_id
        left join c_aws_accounts as account on account.id = coalesce(line.c_aws_account_id, bill.c_aws_account_id)
        where bill.state != 'cancel' and bill.billing_period <= %s
          and coalesce(account.aws_account_id, '') not in %s""", (LAST_INVOICED_MONTH, internal))[0][0]
    margin, margin_cost, margin_invoiced, all_cost, all_invoiced = query(billing_wh, """
        select sum(margin), sum(margin_aws_cost), sum(margin_invoiced_amount), sum(aws_cost), sum(invoiced_amount)
        from billing.cost_vs_invoice_monthly""")[0]
    assert margin_cost == source_cost
    assert margin_invoiced == source_invoiced
    assert margin == source_invoiced - source_cost
    # the naive headline (every row) is lower by exactly the open months' and the internal accounts' cost
    open_cost, internal_cost = query(billing_wh, """
        select sum(open_period_aws_cost), sum(internal_aws_cost) from billing.cost_vs_invoice_monthly""")[0]
    assert (all_invoiced - all_cost) == margin - open_cost - internal_cost + (all_invoiced - margin_invoiced)
    assert open_cost > 0 and internal_cost > 0


def test_internal_accounts_are_their_own_line_with_the_reason(billing_wh):
    internal = tuple(_internal_account_ids())
    source = dict(query(settings.odoo(), """
        select usage_account_id, round(sum(unblended_cost), 2) from c_billing_internal_cur
        where usage_account_id in %s group by 1""", (internal,)))
    rows = query(billing_wh, """
        select aws_account_id, sum(internal_aws_cost), sum(aws_cost), count(margin), sum(margin_aws_cost),
               bool_and(cost_category = 'internal'),
               bool_and(margin_exclusion_reason = 'internal/sandbox account: cost is not invoiced by design')
        from billing.cost_vs_invoice_monthly where aws_account_id in %s group by 1""", (internal,))
    assert {row[0]: row[1] for row in rows} == source
    for account, internal_cost, cost, margins, margin_cost, is_internal, has_reason in rows:
        assert internal_cost == cost and margins == 0 and margin_cost == 0 and is_internal and has_reason, account
    # the account page lists why: an internal_cost finding for every closed month with cost, never unbilled usage
    closed_cost = dict(query(settings.odoo(), """
        select usage_account_id, round(sum(unblended_cost), 2) from c_billing_internal_cur
        where usage_account_id in %s and billing_period <= %s group by 1""", (internal, LAST_INVOICED_MONTH)))
    findings = query(billing_wh, """
        select aws_account_id, finding_type, sum(amount), bool_and(detail like 'internal/sandbox account%%')
        from billing.findings where aws_account_id in %s group by 1, 2""", (internal,))
    assert {(row[0], row[1]) for row in findings} == {(account, "internal_cost") for account in closed_cost}
    assert {row[0]: row[2] for row in findings} == closed_cost
    assert all(row[3] for row in findings)


def test_marts_reconcile_with_the_sources_per_month_to_the_cent(billing_wh):
    cur = dict(query(settings.odoo(), """
        select billing_period, round(sum(unblended_cost), 2) from c_billing_internal_cur group by 1"""))
    posted = dict(query(settings.odoo(), SOURCE_POSTED_BY_MONTH))
    credit_notes = query(settings.odoo(), """
        select count(*) from account_move_line as line join account_move as move on move.id = line.move_id
        where move.move_type = 'out_refund' and move.state = 'posted' and line.display_type = 'product'""")[0][0]
    assert credit_notes > 0, "the demo has no posted credit note: their sign is not tested"
    for mart in ("cost_vs_invoice_monthly", "cost_vs_invoice_payer_monthly", "cost_vs_invoice_customer_monthly"):
        rows = query(billing_wh, f"""
            select billing_month, sum(aws_cost), sum(margin_aws_cost + open_period_aws_cost + internal_aws_cost),
                   sum(posted_invoice_amount)
            from billing.{mart} group by 1""")
        assert {row[0]: row[1] for row in rows if row[1] != 0} == {m: v for m, v in cur.items() if v != 0}, mart
        assert all(row[1] == row[2] for row in rows), mart
        assert {row[0]: row[3] for row in rows if row[3] != 0} == {m: v for m, v in posted.items() if v != 0}, mart


def test_cutoff_day_closes_a_month_without_invoices(billing_wh):
    """The open month closes on the cut-off day (var billing_invoicing_cutoff_day of the following month), not
    the day before; once closed, its uninvoiced usage is unbilled usage."""
    open_month = _month_after(LAST_INVOICED_MONTH)
    cutoff = _month_after(open_month) + timedelta(days=9)  # the default cut-off day is 10
    try:
        revops("dbt", *BILLING, "--vars", f"{{billing_as_of_date: '{cutoff - timedelta(days=1)}'}}")
        assert query(billing_wh, "select period_status from billing.billing_periods where billing_month = %s",
                     (open_month,)) == [("open",)]
        revops("dbt", *BILLING, "--vars", f"{{billing_as_of_date: '{cutoff}'}}")
        assert query(billing_wh, "select period_status, invoicing_cutoff_date from billing.billing_periods "
                                 "where billing_month = %s", (open_month,)) == [("closed", cutoff)]
        unbilled = query(billing_wh, "select count(*) from billing.findings "
                                     "where billing_month = %s and finding_type = 'unbilled_usage'", (open_month,))
        assert unbilled[0][0] > 0
        margins = query(billing_wh, "select count(margin) from billing.cost_vs_invoice_monthly "
                                    "where billing_month = %s and is_billable", (open_month,))
        assert margins[0][0] > 0
    finally:
        revops("dbt", *BILLING)


@pytest.mark.parametrize("corruption, failing_test", [
    ("update billing.cost_vs_invoice_monthly set margin = -aws_cost where is_open_period",
     "assert_billing_margin_excludes_open_periods_and_internal_cost"),
    ("update billing.cost_vs_invoice_customer_monthly set margin = margin - internal_aws_cost "
     "where internal_aws_cost != 0 and margin is not null",
     "assert_billing_margin_excludes_open_periods_and_internal_cost"),
    ("update billing.cost_vs_invoice_payer_monthly set posted_invoice_amount = posted_invoice_amount + 0.01 "
     "where billing_month = (select min(billing_month) from billing.cost_vs_invoice_payer_monthly)",
     "assert_billing_marts_reconcile_with_sources"),
    ("delete from billing.findings where finding_type = 'internal_cost'",
     "assert_billing_differences_explained_by_findings"),
])
def test_the_invariant_tests_fail_on_a_broken_mart(billing_wh, corruption, failing_test):
    revops("dbt", "test", "-s", failing_test)  # passes on the real build
    query(billing_wh, corruption)
    try:
        with pytest.raises(AssertionError, match=failing_test):
            revops("dbt", "test", "-s", failing_test)
    finally:
        revops("dbt", "run", "-s", "billing")
