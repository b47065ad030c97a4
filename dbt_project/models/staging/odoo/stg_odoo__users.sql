{%- set source_relation = source('odoo', 'res_users') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as user_id,
        cast(partner_id as integer) as partner_id,
        cast(company_id as integer) as company_id,
        cast(sale_team_id as integer) as sales_team_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        lower({{ clean_text('login') }}) as user_login,
        {{ html_to_text('signature') }} as signature,
        cast(notification_type as text) as notification_type,

        -- numerics
        cast(target_sales_won as integer) as target_sales_won,
        cast(target_sales_done as integer) as target_sales_done,
        cast(target_sales_invoiced as integer) as target_sales_invoiced,

        -- booleans
        cast(active as boolean) as is_active,
        cast(share as boolean) as is_portal_user,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
