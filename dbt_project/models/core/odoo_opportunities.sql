{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_rows_missing_from(ref('stg_odoo__leads'), 'lead_id') }}"
) }}

with

leads as (

    select * from {{ ref('stg_odoo__leads') }}

),

partners as (

    select * from {{ ref('stg_odoo__partners') }}

),

customers as (

    select * from {{ ref('customers') }}

),

users as (

    select * from {{ ref('stg_odoo__users') }}

),

stages as (

    select * from {{ ref('stg_odoo__stages') }}

),

teams as (

    select * from {{ ref('stg_odoo__teams') }}

),

countries as (

    select * from {{ ref('stg_odoo__countries') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

final as (

    select
        -- ids
        leads.lead_id,
        customers.customer_id,
        leads.partner_id as contact_partner_id,
        leads.salesperson_user_id,
        leads.stage_id,
        leads.team_id,
        leads.country_id,
        leads.odoo_aws_account_id,
        aws_accounts.aws_account_id,
        aws_accounts.payer_aws_account_id,
        leads.typed_ace_opportunity_id,

        -- strings
        leads.lead_name,
        leads.lead_type,
        customers.customer_name,
        leads.company_name as typed_company_name,
        coalesce(customers.normalized_customer_name, leads.normalized_company_name) as normalized_company_name,
        contacts.partner_name as contact_name,
        salespeople.partner_name as salesperson_name,
        users.user_login as salesperson_login,
        stages.stage_name,
        teams.team_name,
        aws_accounts.aws_account_name,
        aws_accounts.payer_account_name,
        coalesce(countries.country_code, customers.country_code) as country_code,
        coalesce(countries.country_name, customers.country_name) as country_name,
        leads.website,
        coalesce(
            leads.website_domain,
            case when not {{ is_generic_email_domain('leads.email_domain') }} then leads.email_domain end,
            customers.web_domain
        ) as web_domain,
        leads.email,
        leads.origination,
        leads.aws_account_manager_name,
        leads.aws_psm_name,
        leads.typed_ace_opportunity_id_raw,
        leads.description,
        array_to_string(leads.typed_ace_opportunity_ids, ',') as typed_ace_opportunity_ids,

        -- numerics
        leads.probability,
        leads.expected_revenue,
        leads.recurring_revenue_monthly,

        -- booleans
        coalesce(leads.is_active, true) and coalesce(stages.is_won, false) as is_won,
        not coalesce(leads.is_active, true) and coalesce(leads.probability, 0) = 0 as is_lost,
        coalesce(leads.is_active, true) as is_active,

        -- dates
        leads.expected_close_date,

        -- timestamps
        leads.created_at,
        leads.converted_at,
        leads.closed_at,
        leads.updated_at

    from leads
    left join partners as contacts
        on leads.partner_id = contacts.partner_id
    left join customers
        on contacts.commercial_partner_id = customers.customer_id
    left join users
        on leads.salesperson_user_id = users.user_id
    left join partners as salespeople
        on users.partner_id = salespeople.partner_id
    left join stages
        on leads.stage_id = stages.stage_id
    left join teams
        on leads.team_id = teams.team_id
    left join countries
        on leads.country_id = countries.country_id
    left join aws_accounts
        on leads.odoo_aws_account_id = aws_accounts.odoo_aws_account_id

)

{{ select_changed_rows('final', 'lead_id') }}
