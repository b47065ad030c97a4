{%- set source_relation = source('odoo', 'sale_order') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as sale_order_id,
        cast(partner_id as integer) as partner_id,
        cast(partner_invoice_id as integer) as invoice_partner_id,
        cast(partner_shipping_id as integer) as shipping_partner_id,
        cast(opportunity_id as integer) as lead_id,
        cast(user_id as integer) as salesperson_user_id,
        cast(team_id as integer) as team_id,
        cast(company_id as integer) as company_id,
        cast(pricelist_id as integer) as pricelist_id,
        cast(currency_id as integer) as currency_id,
        cast(payment_term_id as integer) as payment_term_id,
        cast(fiscal_position_id as integer) as fiscal_position_id,
        cast(analytic_account_id as integer) as analytic_account_id,
        cast(journal_id as integer) as journal_id,
        cast(campaign_id as integer) as campaign_id,
        cast(source_id as integer) as source_id,
        cast(medium_id as integer) as medium_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ clean_text('name') }} as sale_order_name,
        cast(state as text) as order_state,
        {{ clean_text('origin') }} as source_document,
        {{ clean_text('client_order_ref') }} as customer_reference,
        {{ clean_text('reference') }} as payment_reference,
        cast(invoice_status as text) as invoice_status,
        {{ html_to_text('note') }} as terms,

        -- numerics
        cast(currency_rate as numeric) as currency_rate,
        cast(amount_untaxed as numeric) as amount_untaxed,
        cast(amount_tax as numeric) as amount_tax,
        cast(amount_total as numeric) as amount_total,
        cast(amount_to_invoice as numeric) as amount_to_invoice,

        -- booleans
        cast(locked as boolean) as is_locked,

        -- dates
        cast(validity_date as date) as validity_date,

        -- timestamps
        {{ utc_timestamp('date_order', source_columns) }} as ordered_at,
        {{ utc_timestamp('commitment_date', source_columns) }} as committed_delivery_at,
        {{ utc_timestamp('signed_on', source_columns) }} as signed_at,
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
