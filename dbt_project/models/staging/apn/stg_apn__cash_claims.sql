{%- set source_relation = source('apn', 'cash_claim') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as text) as cash_claim_id,
        {{ clean_text('funding_request_id') }} as funding_request_id,

        -- strings
        {{ clean_text('status') }} as claim_status,
        upper({{ clean_text('currency_code') }}) as currency_code,
        {{ clean_text('invoice_number') }} as invoice_number,

        -- numerics
        cast(claim_sequence as smallint) as claim_sequence,
        cast(claim_amount as numeric(18, 2)) as claim_amount,
        cast(approved_amount as numeric(18, 2)) as approved_amount,

        -- dates
        cast(invoice_date as date) as invoice_date,
        cast(paid_date as date) as paid_date,

        -- timestamps
        {{ utc_timestamp('submitted_date', source_columns) }} as submitted_at,
        {{ utc_timestamp('approved_date', source_columns) }} as approved_at,
        {{ utc_timestamp('created_date', source_columns) }} as created_at,
        {{ utc_timestamp('last_modified_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
