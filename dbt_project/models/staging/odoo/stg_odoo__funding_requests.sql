{%- set source_relation = source('odoo', 'c_aws_funding_request') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as funding_request_id,
        {{ clean_text('apn_funding_request_id') }} as apn_funding_request_id,
        cast(lead_id as integer) as lead_id,
        cast(partner_id as integer) as partner_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(currency_id as integer) as currency_id,
        cast(user_id as integer) as responsible_user_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as funding_request_name,
        {{ clean_text('ace_opportunity_id') }} as typed_ace_opportunity_id_raw,
        cast(program as text) as funding_program,
        cast(funding_type as text) as funding_type,
        cast(state as text) as funding_state,
        {{ clean_text('description') }} as description,
        ({{ ace_opportunity_ids('ace_opportunity_id') }})[1] as typed_ace_opportunity_id,

        -- numerics
        cast(amount_requested as numeric) as amount_requested,
        cast(amount_approved as numeric) as amount_approved,
        cast(amount_claimed as numeric) as amount_claimed,
        cast(amount_received as numeric) as amount_received,

        -- booleans
        cast(active as boolean) as is_active,

        -- dates
        cast(date_submitted as date) as submitted_date,
        cast(date_approved as date) as approved_date,
        cast(date_start as date) as start_date,
        cast(date_end as date) as end_date,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
