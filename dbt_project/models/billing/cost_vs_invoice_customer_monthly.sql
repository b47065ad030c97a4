-- cost_vs_invoice_monthly rolled up to customer x month x currency
with

cost_vs_invoice_monthly as (

    select * from {{ ref('cost_vs_invoice_monthly') }}

),

rolled_up as (

    select
        cost_vs_invoice_monthly.billing_month,
        cost_vs_invoice_monthly.customer_id,
        cost_vs_invoice_monthly.currency_code,
        cost_vs_invoice_monthly.period_status,
        cost_vs_invoice_monthly.is_open_period,
        max(cost_vs_invoice_monthly.customer_name) as customer_name,
        {{ billing_rollup_sums() }}
    from cost_vs_invoice_monthly
    group by
        cost_vs_invoice_monthly.billing_month,
        cost_vs_invoice_monthly.customer_id,
        cost_vs_invoice_monthly.currency_code,
        cost_vs_invoice_monthly.period_status,
        cost_vs_invoice_monthly.is_open_period

),

final as (

    select
        cast(rolled_up.billing_month as date) as billing_month,
        cast(rolled_up.customer_id as integer) as customer_id,
        cast(rolled_up.customer_name as text) as customer_name,
        {{ billing_rollup_columns() }}
    from rolled_up

)

select * from final
