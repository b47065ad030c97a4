{%- set source_relation = source('odoo', 'c_aws_accounts') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as odoo_aws_account_id,
        cast(partner_id as integer) as partner_id,
        cast(payer_account_id as integer) as payer_odoo_aws_account_id,
        cast(user_id as integer) as salesperson_user_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as account_name,
        {{ normalize_aws_account_id('aws_account_id') }} as aws_account_id,
        {{ clean_text('alias') }} as account_alias,
        cast(environment as text) as environment,
        cast(account_status as text) as account_status,
        {{ clean_text('root_email') }} as root_email,
        cast(support_plan as text) as support_plan,
        {{ clean_text('notes') }} as notes,

        -- numerics
        cast(markup_percent as numeric) as markup_percent,

        -- booleans
        cast(is_payer as boolean) as is_payer,
        cast(is_spp as boolean) as is_spp,
        cast(billable as boolean) as is_billable,
        cast(active as boolean) as is_active,

        -- dates
        cast(date_joined as date) as joined_date,
        cast(date_closed as date) as closed_date,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
