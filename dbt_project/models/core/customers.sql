with

partners as (

    select * from {{ ref('stg_odoo__partners') }}

),

countries as (

    select * from {{ ref('stg_odoo__countries') }}

),

leads as (

    select * from {{ ref('stg_odoo__leads') }}

),

aws_accounts as (

    select * from {{ ref('stg_odoo__aws_accounts') }}

),

billing_bills as (

    select * from {{ ref('stg_odoo__billing_bills') }}

),

account_moves as (

    select * from {{ ref('stg_odoo__account_moves') }}

),

-- partners that deals, AWS accounts, bills or invoices point at, lifted to their company entity
referenced_partners as (

    select leads.partner_id from leads
    union
    select aws_accounts.partner_id from aws_accounts
    union
    select billing_bills.partner_id from billing_bills
    union
    select account_moves.commercial_partner_id from account_moves
    where account_moves.move_type in ('out_invoice', 'out_refund')

),

referenced_customers as (

    select distinct partners.commercial_partner_id as customer_id
    from referenced_partners
    inner join partners
        on referenced_partners.partner_id = partners.partner_id

),

final as (

    select
        -- ids
        partners.partner_id as customer_id,
        partners.country_id,
        partners.salesperson_user_id,

        -- strings
        partners.partner_name as customer_name,
        partners.normalized_name as normalized_customer_name,
        partners.website,
        coalesce(partners.website_domain, partners.email_domain) as web_domain,
        partners.email,
        partners.phone,
        partners.vat_number,
        partners.internal_reference,
        partners.city,
        countries.country_code,
        countries.country_name,

        -- numerics
        partners.customer_rank,

        -- booleans
        coalesce(partners.is_company, false) as is_company,
        coalesce(partners.is_active, true) as is_active,

        -- timestamps
        partners.created_at,
        partners.updated_at

    from partners
    left join countries
        on partners.country_id = countries.country_id
    left join referenced_customers
        on partners.partner_id = referenced_customers.customer_id
    where
        partners.partner_id = partners.commercial_partner_id
        and (partners.is_company or referenced_customers.customer_id is not null)

)

select * from final
