{%- set source_relation = source('odoo', 'crm_stage') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as stage_id,
        cast(team_id as integer) as team_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ translated_text('name') }} as stage_name,
        {{ clean_text('requirements') }} as requirements,

        -- numerics
        cast(sequence as integer) as stage_sequence,

        -- booleans
        cast(is_won as boolean) as is_won,
        cast(fold as boolean) as is_folded,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
