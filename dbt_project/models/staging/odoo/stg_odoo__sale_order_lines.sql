{%- set source_relation = source('odoo', 'sale_order_line') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as sale_order_line_id,
        cast(order_id as integer) as sale_order_id,
        cast(product_id as integer) as product_id,
        cast(product_uom as integer) as uom_id,
        cast(order_partner_id as integer) as partner_id,
        cast(salesman_id as integer) as salesperson_user_id,
        cast(company_id as integer) as company_id,
        cast(currency_id as integer) as currency_id,
        cast(project_id as integer) as project_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as description,
        cast(display_type as text) as display_type,
        cast(qty_delivered_method as text) as delivered_quantity_method,
        cast(invoice_status as text) as invoice_status,
        cast(state as text) as order_state,

        -- numerics
        cast(sequence as integer) as line_sequence,
        cast(product_uom_qty as numeric) as quantity,
        cast(price_unit as numeric) as price_unit,
        cast(discount as numeric) as discount_percent,
        cast(price_subtotal as numeric) as price_subtotal,
        cast(price_tax as double precision) as price_tax,
        cast(price_total as numeric) as price_total,
        cast(price_reduce_taxexcl as numeric) as unit_price_after_discount,
        cast(qty_delivered as numeric) as quantity_delivered,
        cast(qty_invoiced as numeric) as quantity_invoiced,
        cast(qty_to_invoice as numeric) as quantity_to_invoice,
        cast(untaxed_amount_invoiced as numeric) as untaxed_amount_invoiced,
        cast(untaxed_amount_to_invoice as numeric) as untaxed_amount_to_invoice,
        cast(customer_lead as double precision) as lead_time_days,

        -- booleans
        cast(is_downpayment as boolean) as is_downpayment,
        cast(is_expense as boolean) as is_expense,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at,

        -- json
        cast(analytic_distribution as jsonb) as analytic_distribution

    from {{ source_relation }}

)

select * from renamed
