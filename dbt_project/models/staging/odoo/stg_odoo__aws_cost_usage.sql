{%- set source_relation = source('odoo', 'c_billing_internal_cur') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as aws_cost_usage_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ normalize_aws_account_id('usage_account_id') }} as usage_aws_account_id,
        {{ normalize_aws_account_id('payer_account_id') }} as payer_aws_account_id,
        cast(service_code as text) as service_code,
        {{ clean_text('service_name') }} as service_name,
        cast(billing_entity as text) as billing_entity,
        upper({{ clean_text('currency_code') }}) as currency_code,

        -- numerics
        cast(usage_cost as numeric) as usage_cost,
        cast(discount_amount as numeric) as discount_amount,
        cast(credit_amount as numeric) as credit_amount,
        cast(refund_amount as numeric) as refund_amount,
        cast(tax_amount as numeric) as tax_amount,
        cast(unblended_cost as numeric) as unblended_cost,

        -- dates
        cast(billing_period as date) as billing_month,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
