{{ config(
    materialized='incremental',
    unique_key='ace_opportunity_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_rows_missing_from(ref('stg_apn__opportunities'), 'ace_opportunity_id') }}"
) }}

with

opportunities as (

    select * from {{ ref('stg_apn__opportunities') }}

),

end_users as (

    select * from {{ ref('stg_apn__end_users') }}

),

users as (

    select * from {{ ref('stg_apn__users') }}

),

primary_contacts as (

    select * from end_users
    where is_primary_contact

),

-- identity evidence over all contacts: first website / company e-mail domain in contact order
end_user_identity as (

    select
        end_users.ace_opportunity_id,
        (
            array_agg(end_users.website_domain order by end_users.contact_sequence)
            filter (where end_users.website_domain is not null)
        )[1] as website_domain,
        (
            array_agg(end_users.email_domain order by end_users.contact_sequence)
            filter (where end_users.email_domain is not null)
        )[1] as email_domain,
        (
            array_agg(end_users.company_name order by end_users.contact_sequence)
            filter (where end_users.company_name is not null)
        )[1] as company_name,
        bool_or(end_users.is_masked) as is_masked
    from end_users
    group by end_users.ace_opportunity_id

),

final as (

    select
        -- ids
        opportunities.ace_opportunity_id,
        opportunities.partner_crm_id,
        opportunities.partner_crm_lead_id,
        opportunities.parent_ace_opportunity_id,
        opportunities.owner_apn_user_id,
        opportunities.aws_account_id,

        -- strings
        opportunities.opportunity_ownership,
        opportunities.opportunity_type,
        opportunities.review_status,
        opportunities.partner_acceptance_status,
        opportunities.ace_stage,
        opportunities.closed_lost_reason,
        opportunities.aws_stage,
        opportunities.customer_company_name,
        end_user_identity.company_name as end_user_company_name,
        coalesce(
            opportunities.normalized_company_name, {{ normalize_company_name('end_user_identity.company_name') }}
        ) as normalized_company_name,
        opportunities.customer_website,
        coalesce(
            opportunities.website_domain, end_user_identity.website_domain, end_user_identity.email_domain
        ) as web_domain,
        opportunities.aws_account_id_as_entered,
        opportunities.industry,
        opportunities.industry_other,
        opportunities.country,
        opportunities.country_code,
        opportunities.state,
        opportunities.city,
        opportunities.project_title,
        opportunities.project_description,
        opportunities.use_case,
        opportunities.delivery_models,
        opportunities.apn_programs,
        opportunities.expected_revenue_currency_code,
        coalesce(users.full_name, opportunities.owner_name) as owner_name,
        coalesce(users.email, opportunities.owner_email) as owner_email,
        nullif(concat_ws(' ', primary_contacts.first_name, primary_contacts.last_name), '') as primary_contact_name,
        primary_contacts.email as primary_contact_email,
        primary_contacts.business_title as primary_contact_title,
        primary_contacts.phone as primary_contact_phone,
        opportunities.aws_account_owner_name,
        opportunities.aws_sales_rep_name,
        opportunities.aws_partner_success_manager_name,

        -- numerics
        opportunities.expected_monthly_aws_revenue,

        -- booleans
        opportunities.is_partner_referral,
        opportunities.is_masked or coalesce(end_user_identity.is_masked, false) as is_masked,

        -- dates
        opportunities.target_close_date,
        opportunities.aws_close_date,

        -- timestamps
        opportunities.accept_by_at,
        opportunities.created_at,
        opportunities.updated_at

    from opportunities
    left join users
        on opportunities.owner_apn_user_id = users.apn_user_id
    left join primary_contacts
        on opportunities.ace_opportunity_id = primary_contacts.ace_opportunity_id
    left join end_user_identity
        on opportunities.ace_opportunity_id = end_user_identity.ace_opportunity_id

)

{{ select_changed_rows('final', 'ace_opportunity_id') }}
