{%- set source_relation = source('odoo', 'c_billing_spp_bill') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as spp_bill_id,
        {{ clean_text('aws_invoice_id') }} as aws_invoice_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(currency_id as integer) as currency_id,
        cast(vendor_bill_move_id as integer) as vendor_bill_account_move_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as aws_invoice_number,
        {{ normalize_aws_account_id('payer_account_id') }} as payer_aws_account_id,
        cast(state as text) as spp_bill_state,

        -- numerics
        cast(amount_usage as numeric) as amount_usage,
        cast(spp_discount_percent as numeric) as spp_discount_percent,
        cast(spp_discount_amount as numeric) as spp_discount_amount,
        cast(credit_amount as numeric) as credit_amount,
        cast(tax_amount as numeric) as tax_amount,
        cast(amount_total as numeric) as amount_total,

        -- dates
        cast(billing_period as date) as billing_month,
        cast(invoice_date as date) as invoice_date,
        cast(date_due as date) as due_date,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
