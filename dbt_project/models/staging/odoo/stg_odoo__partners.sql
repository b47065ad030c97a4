{%- set source_relation = source('odoo', 'res_partner') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as partner_id,
        cast(parent_id as integer) as parent_partner_id,
        cast(coalesce(commercial_partner_id, id) as integer) as commercial_partner_id,
        cast(state_id as integer) as state_id,
        cast(country_id as integer) as country_id,
        cast(industry_id as integer) as industry_id,
        cast(user_id as integer) as salesperson_user_id,
        cast(team_id as integer) as team_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as partner_name,
        {{ clean_text('complete_name') }} as complete_name,
        cast(type as text) as partner_type,
        {{ clean_text('commercial_company_name') }} as commercial_company_name,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('ref') }} as internal_reference,
        {{ clean_text('vat') }} as vat_number,
        {{ clean_text('company_registry') }} as company_registry,
        {{ clean_text('website') }} as website,
        lower({{ clean_text('email') }}) as email,
        {{ clean_text('email_normalized') }} as email_normalized,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('mobile') }} as mobile,
        {{ clean_text('phone_sanitized') }} as phone_sanitized,
        {{ clean_text('function') }} as job_position,
        {{ clean_text('street') }} as street,
        {{ clean_text('street2') }} as street2,
        {{ clean_text('zip') }} as zip,
        {{ clean_text('city') }} as city,
        cast(lang as text) as lang,
        cast(tz as text) as tz,
        {{ html_to_text('comment') }} as notes,
        {{ normalize_company_name('name') }} as normalized_name,
        {{ web_domain('website') }} as website_domain,
        {{ company_email_domain('email') }} as email_domain,

        -- numerics
        cast(partner_latitude as numeric) as latitude,
        cast(partner_longitude as numeric) as longitude,
        cast(customer_rank as integer) as customer_rank,
        cast(supplier_rank as integer) as supplier_rank,
        cast(color as integer) as color_index,

        -- booleans
        cast(is_company as boolean) as is_company,
        cast(partner_share as boolean) as is_shared_partner,
        cast(employee as boolean) as is_employee,
        cast(active as boolean) as is_active,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
