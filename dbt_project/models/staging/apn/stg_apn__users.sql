{%- set source_relation = source('apn', 'users') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as text) as apn_user_id,

        -- strings
        lower({{ clean_text('email') }}) as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('title') }} as title,
        {{ clean_text('role') }} as user_role,
        nullif(concat_ws(' ', {{ clean_text('first_name') }}, {{ clean_text('last_name') }}), '') as full_name,

        -- booleans
        cast(is_alliance_lead as boolean) as is_alliance_lead,
        cast(is_active as boolean) as is_active,

        -- timestamps
        {{ utc_timestamp('last_login_date', source_columns) }} as last_login_at,
        {{ utc_timestamp('created_date', source_columns) }} as created_at,
        {{ utc_timestamp('last_modified_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
