{%- set source_relation = source('odoo', 'res_country') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as country_id,
        cast(currency_id as integer) as currency_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ translated_text('name') }} as country_name,
        upper({{ clean_text('code') }}) as country_code,
        cast(name_position as text) as name_position,
        {{ translated_text('vat_label') }} as vat_label,

        -- numerics
        cast(phone_code as integer) as phone_code,

        -- booleans
        cast(state_required as boolean) as is_state_required,
        cast(zip_required as boolean) as is_zip_required,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
