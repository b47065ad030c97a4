{%- set source_relation = source('odoo', 'project_project') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as project_id,
        cast(partner_id as integer) as partner_id,
        cast(company_id as integer) as company_id,
        cast(user_id as integer) as manager_user_id,
        cast(stage_id as integer) as project_stage_id,
        cast(analytic_account_id as integer) as analytic_account_id,
        cast(sale_line_id as integer) as sale_order_line_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ translated_text('name') }} as project_name,
        {{ html_to_text('description') }} as description,
        cast(privacy_visibility as text) as privacy_visibility,
        cast(last_update_status as text) as last_update_status,

        -- numerics
        cast(sequence as integer) as project_sequence,
        cast(color as integer) as color_index,

        -- booleans
        cast(active as boolean) as is_active,
        cast(allow_billable as boolean) as is_billable,

        -- dates
        cast(date_start as date) as start_date,
        cast(date as date) as end_date,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
