{#- The rollups of billing.cost_vs_invoice_monthly to a coarser grain (cost_vs_invoice_payer_monthly,
    cost_vs_invoice_customer_monthly): the same measures summed, the same margin rules, only the key differs. -#}

{% macro billing_rollup_sums() -%}
    {#- The summed measures, inside `select ... from cost_vs_invoice_monthly group by <the rollup's key>`. -#}
    count(distinct cost_vs_invoice_monthly.aws_account_id) as linked_accounts,
    count(distinct cost_vs_invoice_monthly.service_code) as services,
    sum(cost_vs_invoice_monthly.aws_cost) as aws_cost,
    sum(cost_vs_invoice_monthly.usage_cost) as usage_cost,
    sum(cost_vs_invoice_monthly.discount_amount) as discount_amount,
    sum(cost_vs_invoice_monthly.credit_amount) as credit_amount,
    sum(cost_vs_invoice_monthly.refund_amount) as refund_amount,
    sum(cost_vs_invoice_monthly.tax_amount) as tax_amount,
    sum(cost_vs_invoice_monthly.invoiced_amount) as invoiced_amount,
    sum(cost_vs_invoice_monthly.invoiced_credit_amount) as invoiced_credit_amount,
    sum(cost_vs_invoice_monthly.posted_invoice_amount) as posted_invoice_amount,
    sum(cost_vs_invoice_monthly.credit_note_amount) as credit_note_amount,
    sum(cost_vs_invoice_monthly.margin_aws_cost) as margin_aws_cost,
    sum(cost_vs_invoice_monthly.margin_invoiced_amount) as margin_invoiced_amount,
    sum(cost_vs_invoice_monthly.margin_posted_invoice_amount) as margin_posted_invoice_amount,
    sum(cost_vs_invoice_monthly.open_period_aws_cost) as open_period_aws_cost,
    sum(cost_vs_invoice_monthly.internal_aws_cost) as internal_aws_cost,
    bool_or(cost_vs_invoice_monthly.is_in_margin) as has_margin
{%- endmacro %}


{% macro billing_rollup_columns() -%}
    {#- The typed columns of a rollup after its key, from the CTE `rolled_up` (billing_rollup_sums): margin only
        where a billable account in a closed month contributes (null otherwise). -#}
    cast(rolled_up.currency_code as text) as currency_code,
    cast(rolled_up.linked_accounts as integer) as linked_accounts,
    cast(rolled_up.services as integer) as services,
    cast(rolled_up.aws_cost as numeric(18, 2)) as aws_cost,
    cast(rolled_up.usage_cost as numeric(18, 2)) as usage_cost,
    cast(rolled_up.discount_amount as numeric(18, 2)) as discount_amount,
    cast(rolled_up.credit_amount as numeric(18, 2)) as credit_amount,
    cast(rolled_up.refund_amount as numeric(18, 2)) as refund_amount,
    cast(rolled_up.tax_amount as numeric(18, 2)) as tax_amount,
    cast(rolled_up.invoiced_amount as numeric(18, 2)) as invoiced_amount,
    cast(rolled_up.invoiced_credit_amount as numeric(18, 2)) as invoiced_credit_amount,
    cast(rolled_up.posted_invoice_amount as numeric(18, 2)) as posted_invoice_amount,
    cast(rolled_up.credit_note_amount as numeric(18, 2)) as credit_note_amount,
    -- margin of the billable accounts in closed months only (null when there is none)
    cast(
        case when rolled_up.has_margin then rolled_up.margin_invoiced_amount - rolled_up.margin_aws_cost end
        as numeric(18, 2)
    ) as margin,
    cast(
        case
            when rolled_up.has_margin
                then round(
                    (rolled_up.margin_invoiced_amount - rolled_up.margin_aws_cost)
                    / nullif(rolled_up.margin_invoiced_amount, 0),
                    4
                )
        end as numeric
    ) as margin_pct,
    cast(
        case
            when rolled_up.has_margin then rolled_up.margin_posted_invoice_amount - rolled_up.margin_aws_cost
        end as numeric(18, 2)
    ) as posted_margin,
    cast(rolled_up.period_status as text) as period_status,
    cast(rolled_up.is_open_period as boolean) as is_open_period,
    cast(rolled_up.margin_aws_cost as numeric(18, 2)) as margin_aws_cost,
    cast(rolled_up.margin_invoiced_amount as numeric(18, 2)) as margin_invoiced_amount,
    cast(rolled_up.margin_posted_invoice_amount as numeric(18, 2)) as margin_posted_invoice_amount,
    cast(rolled_up.open_period_aws_cost as numeric(18, 2)) as open_period_aws_cost,
    cast(rolled_up.internal_aws_cost as numeric(18, 2)) as internal_aws_cost
{%- endmacro %}
