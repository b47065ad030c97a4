{%- set source_relation = source('apn', 'funding_request') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as text) as funding_request_id,
        {{ clean_text('opportunity_id') }} as ace_opportunity_id,
        {{ clean_text('owner_user_id') }} as owner_apn_user_id,

        -- strings
        cast(program as text) as funding_program,
        {{ clean_text('activity_name') }} as activity_name,
        cast(funding_type as text) as funding_type,
        cast(stage as text) as funding_stage,
        {{ clean_text('status') }} as funding_status,
        {{ clean_text('customer_company_name') }} as customer_company_name,
        {{ normalize_aws_account_id(unmask('aws_account_id')) }} as aws_account_id,
        upper({{ clean_text('currency_code') }}) as currency_code,
        {{ clean_text('po_number') }} as po_number,
        {{ clean_text('aws_account_id') }} as aws_account_id_as_entered,

        -- numerics
        cast(requested_cash_amount as numeric(18, 2)) as requested_cash_amount,
        cast(requested_credit_amount as numeric(18, 2)) as requested_credit_amount,
        cast(approved_cash_amount as numeric(18, 2)) as approved_cash_amount,
        cast(approved_credit_amount as numeric(18, 2)) as approved_credit_amount,

        -- dates
        cast(project_start_date as date) as project_start_date,
        cast(project_end_date as date) as project_end_date,

        -- timestamps
        {{ utc_timestamp('submitted_date', source_columns) }} as submitted_at,
        {{ utc_timestamp('created_date', source_columns) }} as created_at,
        {{ utc_timestamp('last_modified_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
