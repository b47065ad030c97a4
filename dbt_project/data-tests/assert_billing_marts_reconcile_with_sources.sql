-- Every billing mart carries every cent of its sources, month by month: AWS cost and its components (the raw
-- Cost and Usage rows), invoiced amount (bill lines of bills not cancelled) and posted amount (posted customer
-- invoice and credit note lines of AWS resale in company currency, credit notes negative). Each mart splits its
-- cost into customer margin, open-period and internal cost without losing a cent. One row per mart x month x
-- measure that differs (fails); a month missing on either side counts as 0 there.
with

cur_rows as (

    select
        cast(billing_period as date) as billing_month,
        cast(unblended_cost as numeric) as aws_cost,
        cast(usage_cost as numeric) as usage_cost,
        cast(discount_amount as numeric) as discount_amount,
        cast(credit_amount as numeric) as credit_amount,
        cast(refund_amount as numeric) as refund_amount,
        cast(tax_amount as numeric) as tax_amount
    from {{ source('odoo', 'c_billing_internal_cur') }}

),

bill_lines as (

    select * from {{ ref('stg_odoo__billing_bill_lines') }}

),

bills as (

    select * from {{ ref('stg_odoo__billing_bills') }}

),

move_lines as (

    select * from {{ ref('stg_odoo__account_move_lines') }}

),

moves as (

    select * from {{ ref('stg_odoo__account_moves') }}

),

products as (

    select * from {{ ref('stg_odoo__products') }}

),

product_templates as (

    select * from {{ ref('stg_odoo__product_templates') }}

),

{% set cost_measures = ['aws_cost', 'usage_cost', 'discount_amount', 'credit_amount', 'refund_amount', 'tax_amount'] %}

cur_by_month as (

    {% for measure in cost_measures %}
        select
            cur_rows.billing_month,
            '{{ measure }}' as measure,
            coalesce(round(sum(cur_rows.{{ measure }}), 2), 0) as source_total
        from cur_rows
        group by cur_rows.billing_month
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

invoiced_by_month as (

    select
        bills.billing_month,
        'invoiced_amount' as measure,
        coalesce(round(sum(bill_lines.price_subtotal), 2), 0) as source_total
    from bill_lines
    inner join bills on bill_lines.billing_bill_id = bills.billing_bill_id
    where bills.bill_state != 'cancel'
    group by bills.billing_month

),

-- posted lines with their sign: -balance (income is a credit), so credit notes count negative
posted_by_month as (

    select
        cast(coalesce(
            move_lines.billing_month,
            moves.billing_month,
            date_trunc('month', coalesce(moves.invoice_date, moves.accounting_date))
        ) as date) as billing_month,
        'posted_invoice_amount' as measure,
        coalesce(round(sum(coalesce(
            -move_lines.balance,
            case
                when moves.move_type = 'out_refund' then -move_lines.price_subtotal
                else move_lines.price_subtotal
            end
        )), 2), 0) as source_total
    from move_lines
    inner join moves on move_lines.account_move_id = moves.account_move_id
    left join products on move_lines.product_id = products.product_id
    left join product_templates on products.product_template_id = product_templates.product_template_id
    where
        moves.move_state = 'posted'
        and moves.move_type in ('out_invoice', 'out_refund')
        and move_lines.display_type = 'product'
        and (
            move_lines.odoo_aws_account_id is not null
            or coalesce(move_lines.service_code, product_templates.aws_service_code) is not null
        )
    group by
        cast(coalesce(
            move_lines.billing_month,
            moves.billing_month,
            date_trunc('month', coalesce(moves.invoice_date, moves.accounting_date))
        ) as date)

),

source_by_month as (

    select * from cur_by_month
    union all
    select * from invoiced_by_month
    union all
    select * from posted_by_month

),

{% set marts = ['cost_vs_invoice_monthly', 'cost_vs_invoice_payer_monthly', 'cost_vs_invoice_customer_monthly'] %}
{% set measures = cost_measures + ['invoiced_amount', 'posted_invoice_amount'] %}

mart_by_month as (

    {% for mart in marts %}
        {% for measure in measures %}
            select
                '{{ mart }}' as mart,
                billing_month,
                '{{ measure }}' as measure,
                coalesce(sum({{ measure }}), 0) as mart_total
            from {{ ref(mart) }}
            group by billing_month
            union all
        {% endfor %}
        -- the three cost buckets add up to the month's cost in every mart
        select
            '{{ mart }}' as mart,
            billing_month,
            'aws_cost' as measure,
            coalesce(sum(margin_aws_cost + open_period_aws_cost + internal_aws_cost), 0) as mart_total
        from {{ ref(mart) }}
        group by billing_month
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

marts as (

    {% for mart in marts %}
        select '{{ mart }}' as mart
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

expected as (

    select
        marts.mart,
        source_by_month.billing_month,
        source_by_month.measure,
        source_by_month.source_total
    from source_by_month
    cross join marts

)

select
    coalesce(mart_by_month.mart, expected.mart) as mart,
    coalesce(mart_by_month.billing_month, expected.billing_month) as billing_month,
    coalesce(mart_by_month.measure, expected.measure) as measure,
    mart_by_month.mart_total,
    expected.source_total
from mart_by_month
full outer join expected
    on
        mart_by_month.mart = expected.mart
        and mart_by_month.billing_month = expected.billing_month
        and mart_by_month.measure = expected.measure
where coalesce(mart_by_month.mart_total, 0) != coalesce(expected.source_total, 0)
