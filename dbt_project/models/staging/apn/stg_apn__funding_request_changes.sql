{%- set source_relation = source('apn', 'funding_request_history') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as bigint) as funding_request_change_id,
        {{ clean_text('funding_request_id') }} as funding_request_id,

        -- strings
        cast(field_name as text) as changed_field,
        {{ clean_text('old_value') }} as old_value,
        {{ clean_text('new_value') }} as new_value,
        {{ clean_text('changed_by') }} as changed_by,
        {{ clean_text('comment') }} as change_comment,

        -- timestamps
        {{ utc_timestamp('changed_date', source_columns) }} as changed_at

    from {{ source_relation }}

)

select * from renamed
