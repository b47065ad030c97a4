-- Customer margin, recomputed from the base mart's amounts, the account register and the billing periods: per
-- month it is invoiced - cost of billable accounts in closed months only, in every billing mart; an open month
-- has no margin at all (never a -100 % loss); internal/sandbox cost is never in it; and no finding sits in an
-- open month unless var billing_findings_on_open_periods is on. One row per mart x month that breaks it (fails).
with

cost_vs_invoice_monthly as (

    select * from {{ ref('cost_vs_invoice_monthly') }}

),

billing_periods as (

    select * from {{ ref('billing_periods') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

findings as (

    select * from {{ ref('findings') }}

),

-- an account is billable unless Odoo says otherwise (accounts not in Odoo are presumed billable)
non_billable_accounts as (

    select distinct aws_accounts.aws_account_id
    from aws_accounts
    where not aws_accounts.is_billable

),

expected as (

    select
        cost_vs_invoice_monthly.billing_month,
        billing_periods.is_open_period,
        sum(
            case
                when non_billable_accounts.aws_account_id is null
                    then cost_vs_invoice_monthly.invoiced_amount - cost_vs_invoice_monthly.aws_cost
                else 0
            end
        ) as customer_margin
    from cost_vs_invoice_monthly
    inner join billing_periods
        on cost_vs_invoice_monthly.billing_month = billing_periods.billing_month
    left join non_billable_accounts
        on cost_vs_invoice_monthly.aws_account_id = non_billable_accounts.aws_account_id
    group by cost_vs_invoice_monthly.billing_month, billing_periods.is_open_period

),

{% set marts = ['cost_vs_invoice_monthly', 'cost_vs_invoice_payer_monthly', 'cost_vs_invoice_customer_monthly'] %}

mart_margins as (

    {% for mart in marts %}
        select
            '{{ mart }}' as mart,
            billing_month,
            coalesce(sum(margin), 0) as margin,
            count(margin) + count(margin_pct) + count(posted_margin) as margin_values
        from {{ ref(mart) }}
        group by billing_month
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

broken_margins as (

    select
        mart_margins.mart,
        mart_margins.billing_month,
        case
            when expected.is_open_period then 'margin on an open month'
            else 'margin is not invoiced - cost of billable accounts'
        end as problem,
        mart_margins.margin,
        case when expected.is_open_period then null else expected.customer_margin end as expected_margin
    from mart_margins
    inner join expected
        on mart_margins.billing_month = expected.billing_month
    where
        (expected.is_open_period and mart_margins.margin_values > 0)
        or (not expected.is_open_period and mart_margins.margin != expected.customer_margin)

),

findings_in_open_months as (

    select
        'findings' as mart,
        findings.billing_month,
        'finding ' || findings.finding_type || ' on an open month' as problem,
        findings.amount as margin,
        cast(null as numeric) as expected_margin
    from findings
    inner join billing_periods
        on findings.billing_month = billing_periods.billing_month
    where
        billing_periods.is_open_period
        and not {{ 'true' if var('billing_findings_on_open_periods') else 'false' }}

)

select * from broken_margins
union all
select * from findings_in_open_months
