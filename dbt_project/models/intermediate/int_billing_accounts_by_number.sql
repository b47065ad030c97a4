-- One AWS account record per 12-digit account id (the id is expected unique in Odoo, not enforced): the active
-- record first, then the newest. The billing marts look accounts, payers and customers up by number through it.
with

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

final as (

    select distinct on (aws_accounts.aws_account_id)
        -- ids
        aws_accounts.aws_account_id,
        aws_accounts.odoo_aws_account_id,
        aws_accounts.payer_aws_account_id,
        aws_accounts.customer_id,
        -- strings
        aws_accounts.aws_account_name,
        aws_accounts.customer_name,
        -- numerics
        aws_accounts.markup_percent,
        -- booleans
        aws_accounts.is_billable,
        aws_accounts.is_active
    from aws_accounts
    order by aws_accounts.aws_account_id asc, aws_accounts.is_active desc, aws_accounts.odoo_aws_account_id desc

)

select * from final
