{%- set source_relation = source('odoo', 'res_country_state') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as country_state_id,
        cast(country_id as integer) as country_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as state_name,
        {{ clean_text('code') }} as state_code,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
