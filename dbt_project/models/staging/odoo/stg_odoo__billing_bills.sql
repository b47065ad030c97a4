{%- set source_relation = source('odoo', 'c_billing_bill') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as billing_bill_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(partner_id as integer) as partner_id,
        cast(move_id as integer) as account_move_id,
        cast(currency_id as integer) as currency_id,
        cast(user_id as integer) as salesperson_user_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as bill_name,
        cast(state as text) as bill_state,
        {{ clean_text('notes') }} as notes,
        {{ odoo_currency_code('currency_id') }} as currency_code,

        -- numerics
        cast(amount_aws_cost as numeric) as amount_aws_cost,
        cast(amount_untaxed as numeric) as amount_untaxed,
        cast(amount_tax as numeric) as amount_tax,
        cast(amount_total as numeric) as amount_total,

        -- booleans
        cast(is_consolidated as boolean) as is_consolidated,

        -- dates
        cast(billing_period as date) as billing_month,
        cast(invoice_date as date) as invoice_date,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
