-- cost_vs_invoice_monthly rolled up to payer x month x currency (an account without a payer is its own payer)
with

cost_vs_invoice_monthly as (

    select * from {{ ref('cost_vs_invoice_monthly') }}

),

rolled_up as (

    select
        cost_vs_invoice_monthly.billing_month,
        coalesce(cost_vs_invoice_monthly.payer_aws_account_id, cost_vs_invoice_monthly.aws_account_id)
            as payer_aws_account_id,
        cost_vs_invoice_monthly.currency_code,
        cost_vs_invoice_monthly.period_status,
        cost_vs_invoice_monthly.is_open_period,
        max(coalesce(cost_vs_invoice_monthly.payer_account_name, cost_vs_invoice_monthly.aws_account_name))
            as payer_account_name,
        {{ billing_rollup_sums() }}
    from cost_vs_invoice_monthly
    group by
        cost_vs_invoice_monthly.billing_month,
        coalesce(cost_vs_invoice_monthly.payer_aws_account_id, cost_vs_invoice_monthly.aws_account_id),
        cost_vs_invoice_monthly.currency_code,
        cost_vs_invoice_monthly.period_status,
        cost_vs_invoice_monthly.is_open_period

),

final as (

    select
        cast(rolled_up.billing_month as date) as billing_month,
        cast(rolled_up.payer_aws_account_id as text) as payer_aws_account_id,
        cast(rolled_up.payer_account_name as text) as payer_account_name,
        {{ billing_rollup_columns() }}
    from rolled_up

)

select * from final
