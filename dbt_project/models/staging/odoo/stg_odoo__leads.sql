{%- set source_relation = source('odoo', 'crm_lead') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as lead_id,
        cast(stage_id as integer) as stage_id,
        cast(team_id as integer) as team_id,
        cast(user_id as integer) as salesperson_user_id,
        cast(company_id as integer) as company_id,
        cast(partner_id as integer) as partner_id,
        cast(state_id as integer) as state_id,
        cast(country_id as integer) as country_id,
        cast(recurring_plan as integer) as recurring_plan_id,
        cast(lost_reason_id as integer) as lost_reason_id,
        cast(campaign_id as integer) as campaign_id,
        cast(source_id as integer) as source_id,
        cast(medium_id as integer) as medium_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as lead_name,
        cast(type as text) as lead_type,
        cast(priority as text) as priority,
        {{ clean_text('partner_name') }} as company_name,
        {{ clean_text('contact_name') }} as contact_name,
        lower({{ clean_text('email_from') }}) as email,
        {{ clean_text('email_normalized') }} as email_normalized,
        lower({{ clean_text('email_domain_criterion') }}) as email_domain,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('phone_sanitized') }} as phone_sanitized,
        {{ clean_text('website') }} as website,
        {{ clean_text('street') }} as street,
        {{ clean_text('zip') }} as zip,
        {{ clean_text('city') }} as city,
        {{ html_to_text('description') }} as description,
        {{ clean_text('referred') }} as referred_by,
        cast(c_origination as text) as origination,
        {{ clean_text('c_aws_account_manager') }} as aws_account_manager_name,
        {{ clean_text('c_aws_psm') }} as aws_psm_name,
        {{ clean_text('x_studio_ace_opportunity_id') }} as typed_ace_opportunity_id_raw,
        ({{ ace_opportunity_ids('x_studio_ace_opportunity_id') }})[1] as typed_ace_opportunity_id,
        {{ normalize_company_name('partner_name') }} as normalized_company_name,
        {{ web_domain('website') }} as website_domain,

        -- numerics
        cast(expected_revenue as numeric) as expected_revenue,
        cast(prorated_revenue as numeric) as prorated_revenue,
        cast(recurring_revenue as numeric) as recurring_revenue,
        cast(recurring_revenue_monthly as numeric) as recurring_revenue_monthly,
        cast(probability as double precision) as probability,
        cast(automated_probability as double precision) as automated_probability,

        -- booleans
        cast(active as boolean) as is_active,

        -- dates
        cast(date_deadline as date) as expected_close_date,

        -- timestamps
        {{ utc_timestamp('date_open', source_columns) }} as assigned_at,
        {{ utc_timestamp('date_closed', source_columns) }} as closed_at,
        {{ utc_timestamp('date_conversion', source_columns) }} as converted_at,
        {{ utc_timestamp('date_last_stage_update', source_columns) }} as stage_updated_at,
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at,

        -- json
        cast(lead_properties as jsonb) as lead_properties,

        -- arrays
        {{ ace_opportunity_ids('x_studio_ace_opportunity_id') }} as typed_ace_opportunity_ids

    from {{ source_relation }}

)

select * from renamed
