-- Every billing mart carries every cent of its sources: AWS cost and its components (Cost and Usage rows),
-- invoiced amount (bill lines of bills not cancelled) and posted amount (posted customer invoice and credit
-- note lines of AWS resale, in company currency). One row per mart x measure that differs (fails).
with

cur_rows as (

    select * from {{ ref('stg_odoo__aws_cost_usage') }}

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

source_totals as (

    select
        (select coalesce(round(sum(cur_rows.unblended_cost), 2), 0) from cur_rows) as aws_cost,
        (select coalesce(round(sum(cur_rows.usage_cost), 2), 0) from cur_rows) as usage_cost,
        (select coalesce(round(sum(cur_rows.discount_amount), 2), 0) from cur_rows) as discount_amount,
        (select coalesce(round(sum(cur_rows.credit_amount), 2), 0) from cur_rows) as credit_amount,
        (select coalesce(round(sum(cur_rows.refund_amount), 2), 0) from cur_rows) as refund_amount,
        (select coalesce(round(sum(cur_rows.tax_amount), 2), 0) from cur_rows) as tax_amount,
        (
            select coalesce(round(sum(bill_lines.price_subtotal), 2), 0)
            from bill_lines
            inner join bills on bill_lines.billing_bill_id = bills.billing_bill_id
            where bills.bill_state != 'cancel'
        ) as invoiced_amount,
        (
            select
                coalesce(round(sum(coalesce(
                    -move_lines.balance,
                    case
                        when moves.move_type = 'out_refund' then -move_lines.price_subtotal
                        else move_lines.price_subtotal
                    end
                )), 2), 0)
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
        ) as posted_invoice_amount

),

{% set marts = ['cost_vs_invoice_monthly', 'cost_vs_invoice_payer_monthly', 'cost_vs_invoice_customer_monthly'] %}
{% set measures = ['aws_cost', 'usage_cost', 'discount_amount', 'credit_amount', 'refund_amount', 'tax_amount',
                   'invoiced_amount', 'posted_invoice_amount'] %}

mart_totals as (

    {% for mart in marts %}
        {% for measure in measures %}
            select
                '{{ mart }}' as mart,
                '{{ measure }}' as measure,
                (select coalesce(sum({{ measure }}), 0) from {{ ref(mart) }}) as mart_total
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

source_by_measure as (

    {% for measure in measures %}
        select
            '{{ measure }}' as measure,
            source_totals.{{ measure }} as source_total
        from source_totals
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    mart_totals.mart,
    mart_totals.measure,
    mart_totals.mart_total,
    source_by_measure.source_total
from mart_totals
inner join source_by_measure
    on mart_totals.measure = source_by_measure.measure
where mart_totals.mart_total != source_by_measure.source_total
