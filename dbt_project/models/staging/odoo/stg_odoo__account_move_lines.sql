{%- set source_relation = source('odoo', 'account_move_line') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as account_move_line_id,
        cast(move_id as integer) as account_move_id,
        cast(journal_id as integer) as journal_id,
        cast(company_id as integer) as company_id,
        cast(company_currency_id as integer) as company_currency_id,
        cast(account_id as integer) as ledger_account_id,
        cast(partner_id as integer) as partner_id,
        cast(product_id as integer) as product_id,
        cast(product_uom_id as integer) as uom_id,
        cast(currency_id as integer) as currency_id,
        cast(tax_line_id as integer) as tax_id,
        cast(c_aws_account_id as integer) as odoo_aws_account_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        cast(move_name as text) as move_name,
        cast(parent_state as text) as move_state,
        cast(display_type as text) as display_type,
        {{ clean_text('name') }} as line_label,
        {{ clean_text('ref') }} as reference,
        {{ clean_text('matching_number') }} as matching_number,
        cast(c_service_code as text) as service_code,
        {{ odoo_currency_code('currency_id') }} as currency_code,

        -- numerics
        cast(sequence as integer) as line_sequence,
        cast(quantity as numeric) as quantity,
        cast(price_unit as numeric) as price_unit,
        cast(discount as numeric) as discount_percent,
        cast(price_subtotal as numeric) as price_subtotal,
        cast(price_total as numeric) as price_total,
        cast(debit as numeric) as debit,
        cast(credit as numeric) as credit,
        cast(balance as numeric) as balance,
        cast(amount_currency as numeric) as amount_currency,
        cast(tax_base_amount as numeric) as tax_base_amount,
        cast(amount_residual as numeric) as amount_residual,
        cast(amount_residual_currency as numeric) as amount_residual_currency,

        -- booleans
        cast(reconciled as boolean) as is_reconciled,
        cast(is_downpayment as boolean) as is_downpayment,

        -- dates
        cast(date as date) as accounting_date,
        cast(date_maturity as date) as maturity_date,
        cast(invoice_date as date) as invoice_date,
        cast(c_billing_period as date) as billing_month,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at,

        -- json
        cast(analytic_distribution as jsonb) as analytic_distribution

    from {{ source_relation }}

)

select * from renamed
