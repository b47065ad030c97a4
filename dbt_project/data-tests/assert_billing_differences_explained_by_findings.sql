-- Every gap between AWS cost and invoicing is explained, account by account and month by month: cost with no
-- invoice line is either an open month (not invoiced yet), an internal/sandbox account (internal_cost finding)
-- or unbilled usage (finding); invoice lines without cost are an invoice_without_cost finding. Returns one row
-- per account x month left unexplained (fails).
with

cost_vs_invoice_monthly as (

    select * from {{ ref('cost_vs_invoice_monthly') }}

),

billing_periods as (

    select * from {{ ref('billing_periods') }}

),

findings as (

    select * from {{ ref('findings') }}

),

account_months as (

    select
        cost_vs_invoice_monthly.aws_account_id,
        cost_vs_invoice_monthly.billing_month,
        sum(cost_vs_invoice_monthly.aws_cost) as aws_cost,
        sum(cost_vs_invoice_monthly.invoiced_amount) as invoiced_amount,
        bool_or(cost_vs_invoice_monthly.has_cost) as has_cost,
        bool_or(cost_vs_invoice_monthly.has_invoice) as has_invoice,
        bool_and(cost_vs_invoice_monthly.is_billable) as is_billable
    from cost_vs_invoice_monthly
    group by cost_vs_invoice_monthly.aws_account_id, cost_vs_invoice_monthly.billing_month

),

gaps as (

    select
        account_months.*,
        billing_periods.is_open_period,
        case
            when account_months.has_cost and not account_months.has_invoice and account_months.aws_cost != 0
                then case when account_months.is_billable then 'unbilled_usage' else 'internal_cost' end
            when account_months.has_invoice and not account_months.has_cost then 'invoice_without_cost'
        end as expected_finding_type
    from account_months
    inner join billing_periods
        on account_months.billing_month = billing_periods.billing_month

)

select
    gaps.aws_account_id,
    gaps.billing_month,
    gaps.aws_cost,
    gaps.invoiced_amount,
    gaps.expected_finding_type
from gaps
left join findings
    on
        gaps.billing_month = findings.billing_month
        and gaps.expected_finding_type = findings.finding_type
        and coalesce(gaps.aws_account_id, '') = coalesce(findings.aws_account_id, '')
where
    gaps.expected_finding_type is not null
    -- an open month explains itself: its invoices are not issued yet
    and not gaps.is_open_period
    and findings.finding_id is null
