{%- set source_relation = source('odoo', 'crm_team') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as team_id,
        cast(company_id as integer) as company_id,
        cast(user_id as integer) as leader_user_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ translated_text('name') }} as team_name,
        {{ clean_text('assignment_domain') }} as assignment_domain,

        -- numerics
        cast(sequence as integer) as team_sequence,
        cast(invoiced_target as double precision) as invoiced_target,
        cast(color as integer) as color_index,

        -- booleans
        cast(active as boolean) as is_active,
        cast(use_leads as boolean) as is_using_leads,
        cast(use_opportunities as boolean) as is_using_opportunities,
        cast(assignment_optout as boolean) as is_assignment_opted_out,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at,

        -- json
        cast(lead_properties_definition as jsonb) as lead_properties_definition

    from {{ source_relation }}

)

select * from renamed
