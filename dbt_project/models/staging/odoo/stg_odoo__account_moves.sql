{%- set source_relation = source('odoo', 'account_move') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as account_move_id,
        cast(journal_id as integer) as journal_id,
        cast(company_id as integer) as company_id,
        cast(currency_id as integer) as currency_id,
        cast(partner_id as integer) as partner_id,
        cast(commercial_partner_id as integer) as commercial_partner_id,
        cast(partner_shipping_id as integer) as shipping_partner_id,
        cast(fiscal_position_id as integer) as fiscal_position_id,
        cast(invoice_user_id as integer) as salesperson_user_id,
        cast(team_id as integer) as team_id,
        cast(invoice_payment_term_id as integer) as payment_term_id,
        cast(reversed_entry_id as integer) as reversed_account_move_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as move_name,
        {{ clean_text('ref') }} as reference,
        cast(state as text) as move_state,
        cast(move_type as text) as move_type,
        {{ clean_text('invoice_origin') }} as invoice_origin,
        {{ clean_text('invoice_partner_display_name') }} as invoice_partner_name,
        {{ clean_text('payment_reference') }} as payment_reference,
        cast(payment_state as text) as payment_state,
        {{ html_to_text('narration') }} as terms,
        cast(auto_post as text) as auto_post,
        {{ clean_text('sequence_prefix') }} as sequence_prefix,
        {{ odoo_currency_code('currency_id') }} as currency_code,

        -- numerics
        cast(amount_untaxed as numeric) as amount_untaxed,
        cast(amount_tax as numeric) as amount_tax,
        cast(amount_total as numeric) as amount_total,
        cast(amount_residual as numeric) as amount_residual,
        cast(amount_untaxed_signed as numeric) as amount_untaxed_signed,
        cast(amount_tax_signed as numeric) as amount_tax_signed,
        cast(amount_total_signed as numeric) as amount_total_signed,
        cast(amount_total_in_currency_signed as numeric) as amount_total_in_currency_signed,
        cast(amount_residual_signed as numeric) as amount_residual_signed,
        cast(sequence_number as integer) as sequence_number,

        -- booleans
        cast(to_check as boolean) as is_to_check,
        cast(posted_before as boolean) as is_posted_before,
        cast(is_move_sent as boolean) as is_sent,

        -- dates
        cast(date as date) as accounting_date,
        cast(invoice_date as date) as invoice_date,
        cast(invoice_date_due as date) as invoice_due_date,
        cast(delivery_date as date) as delivery_date,
        cast(c_billing_period as date) as billing_month,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
