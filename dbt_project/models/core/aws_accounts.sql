with

aws_accounts as (

    select * from {{ ref('stg_odoo__aws_accounts') }}

),

partners as (

    select * from {{ ref('stg_odoo__partners') }}

),

customers as (

    select * from {{ ref('customers') }}

),

-- a payer resolves to itself; a linked account to the payer record it points at
payer_resolved as (

    select
        aws_accounts.*,
        case
            when aws_accounts.is_payer then aws_accounts.odoo_aws_account_id
            else aws_accounts.payer_odoo_aws_account_id
        end as resolved_payer_odoo_aws_account_id
    from aws_accounts

),

final as (

    select
        -- ids
        payer_resolved.odoo_aws_account_id,
        payer_resolved.aws_account_id,
        customers.customer_id,
        payer_resolved.resolved_payer_odoo_aws_account_id as payer_odoo_aws_account_id,
        payers.aws_account_id as payer_aws_account_id,
        payer_resolved.salesperson_user_id,

        -- strings
        payer_resolved.account_name as aws_account_name,
        payer_resolved.account_alias as aws_account_alias,
        customers.customer_name,
        payers.account_name as payer_account_name,
        payer_resolved.environment,
        payer_resolved.account_status,
        payer_resolved.support_plan,
        payer_resolved.root_email,

        -- numerics
        payer_resolved.markup_percent,

        -- booleans
        coalesce(payer_resolved.is_payer, false) as is_payer,
        coalesce(payer_resolved.is_spp, false) as is_spp,
        coalesce(payer_resolved.is_billable, false) as is_billable,
        coalesce(payer_resolved.is_active, true) as is_active,

        -- dates
        payer_resolved.joined_date,
        payer_resolved.closed_date,

        -- timestamps
        payer_resolved.created_at,
        payer_resolved.updated_at

    from payer_resolved
    left join aws_accounts as payers
        on payer_resolved.resolved_payer_odoo_aws_account_id = payers.odoo_aws_account_id
    left join partners
        on payer_resolved.partner_id = partners.partner_id
    left join customers
        on partners.commercial_partner_id = customers.customer_id

)

select * from final
