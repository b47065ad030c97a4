-- Staging bill lines (what the partner invoices) of bills that are not cancelled, each with its AWS account (the
-- line's, else the bill's), its service (the line's, else its product's), its month and its customer.
with

billing_bills as (

    select * from {{ ref('stg_odoo__billing_bills') }}

),

billing_bill_lines as (

    select * from {{ ref('stg_odoo__billing_bill_lines') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

partners as (

    select * from {{ ref('stg_odoo__partners') }}

),

product_service_codes as (

    select * from {{ ref('int_billing_product_service_codes') }}

),

final as (

    select
        -- ids
        billing_bill_lines.billing_bill_line_id,
        billing_bill_lines.billing_bill_id,
        line_accounts.odoo_aws_account_id,
        line_accounts.aws_account_id,
        partners.commercial_partner_id as bill_customer_id,
        -- strings
        coalesce(billing_bill_lines.service_code, product_service_codes.aws_service_code) as service_code,
        billing_bill_lines.service_code as line_service_code,
        billing_bill_lines.line_type,
        coalesce(billing_bill_lines.currency_code, billing_bills.currency_code) as currency_code,
        billing_bills.currency_code as bill_currency_code,
        -- numerics
        billing_bill_lines.price_subtotal,
        billing_bill_lines.aws_cost,
        line_accounts.markup_percent,
        -- dates
        billing_bills.billing_month
    from billing_bill_lines
    inner join billing_bills
        on billing_bill_lines.billing_bill_id = billing_bills.billing_bill_id
    left join aws_accounts as line_accounts
        on
            coalesce(billing_bill_lines.odoo_aws_account_id, billing_bills.odoo_aws_account_id)
            = line_accounts.odoo_aws_account_id
    left join product_service_codes
        on billing_bill_lines.product_id = product_service_codes.product_id
    left join partners
        on billing_bills.partner_id = partners.partner_id
    where billing_bills.bill_state != 'cancel'

)

select * from final
