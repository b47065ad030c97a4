{%- set source_relation = source('odoo', 'c_billing_bill_line') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as billing_bill_line_id,
        cast(bill_id as integer) as billing_bill_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(product_id as integer) as product_id,
        cast(currency_id as integer) as currency_id,
        cast(move_line_id as integer) as account_move_line_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        cast(service_code as text) as service_code,
        {{ clean_text('name') }} as description,
        cast(line_type as text) as line_type,
        {{ odoo_currency_code('currency_id') }} as currency_code,

        -- numerics
        cast(quantity as numeric) as quantity,
        cast(aws_cost as numeric) as aws_cost,
        cast(price_unit as numeric) as price_unit,
        cast(discount as numeric) as discount_percent,
        cast(price_subtotal as numeric) as price_subtotal,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
