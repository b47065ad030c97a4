-- Lines of posted customer invoices and credit notes, each with its usage month, its account and service, whether
-- it resells AWS (an AWS account or a service code: services and fees are not compared with AWS cost), and its
-- amount in company currency (-balance: income lines are credits), so invoices count positive and credit notes
-- negative whatever the document currency. billing_periods reads their months, cost_vs_invoice_monthly their
-- AWS resale product lines.
with

account_moves as (

    select * from {{ ref('stg_odoo__account_moves') }}

),

account_move_lines as (

    select * from {{ ref('stg_odoo__account_move_lines') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

product_service_codes as (

    select * from {{ ref('int_billing_product_service_codes') }}

),

final as (

    select
        -- ids
        account_move_lines.account_move_line_id,
        account_move_lines.account_move_id,
        line_accounts.aws_account_id,
        account_moves.commercial_partner_id as invoice_customer_id,
        -- strings
        coalesce(account_move_lines.service_code, product_service_codes.aws_service_code) as service_code,
        account_moves.move_type,
        account_move_lines.display_type,
        -- booleans
        (
            line_accounts.aws_account_id is not null
            or coalesce(account_move_lines.service_code, product_service_codes.aws_service_code) is not null
        ) as is_aws_resale,
        -- numerics
        coalesce(
            -account_move_lines.balance,
            case
                when account_moves.move_type = 'out_refund' then -account_move_lines.price_subtotal
                else account_move_lines.price_subtotal
            end
        ) as posted_invoice_amount,
        case
            when account_moves.move_type = 'out_refund'
                then coalesce(-account_move_lines.balance, -account_move_lines.price_subtotal)
        end as credit_note_amount,
        -- dates
        cast(coalesce(
            account_move_lines.billing_month,
            account_moves.billing_month,
            date_trunc('month', coalesce(account_moves.invoice_date, account_moves.accounting_date))
        ) as date) as billing_month
    from account_move_lines
    inner join account_moves
        on account_move_lines.account_move_id = account_moves.account_move_id
    left join aws_accounts as line_accounts
        on account_move_lines.odoo_aws_account_id = line_accounts.odoo_aws_account_id
    left join product_service_codes
        on account_move_lines.product_id = product_service_codes.product_id
    where
        account_moves.move_state = 'posted'
        and account_moves.move_type in ('out_invoice', 'out_refund')

)

select * from final
