-- One row per billing (AWS usage) month: open until its customer invoices are issued, then closed.
-- A month is closed when a posted customer invoice (out_invoice) carries it or a later month (invoicing runs in
-- month order), or when the data's as-of date has reached its invoicing cut-off (day
-- var('billing_invoicing_cutoff_day') of the following month). Credit notes, drafts and cancelled invoices
-- close nothing. See the billing_periods doc.
{%- set cutoff_day = var('billing_invoicing_cutoff_day') | int -%}
{%- set as_of_date = var('billing_as_of_date', none) %}
with

aws_cost_usage as (

    select * from {{ ref('stg_odoo__aws_cost_usage') }}

),

billing_bills as (

    select * from {{ ref('stg_odoo__billing_bills') }}

),

account_moves as (

    select * from {{ ref('stg_odoo__account_moves') }}

),

posted_invoice_lines as (

    select * from {{ ref('int_billing_posted_invoice_lines') }}

),

-- the data's own clock: a replay or an old snapshot is judged as of its last Cost and Usage import
as_of as (

    select
        coalesce(
            cast({{ "'" ~ as_of_date ~ "'" if as_of_date else 'null' }} as date),
            cast(max(aws_cost_usage.updated_at) as date),
            current_date
        ) as as_of_date
    from aws_cost_usage

),

-- issued customer invoices (not credit notes, drafts or cancelled ones), by the usage month they bill
issued_invoices as (

    select
        account_moves.billing_month,
        count(*) as posted_invoices,
        min(account_moves.invoice_date) as first_invoice_date
    from account_moves
    where
        account_moves.move_type = 'out_invoice'
        and account_moves.move_state = 'posted'
        and account_moves.billing_month is not null
    group by account_moves.billing_month

),

all_months as (

    select aws_cost_usage.billing_month from aws_cost_usage
    union
    select billing_bills.billing_month from billing_bills
    union
    -- every month a posted customer invoice or credit note line is reported in (as in cost_vs_invoice_monthly)
    select posted_invoice_lines.billing_month from posted_invoice_lines

),

last_invoiced as (

    select max(issued_invoices.billing_month) as billing_month
    from issued_invoices

),

periods as (

    select
        all_months.billing_month,
        coalesce(issued_invoices.posted_invoices, 0) as posted_invoices,
        issued_invoices.first_invoice_date,
        cast(
            all_months.billing_month + interval '1 month' + interval '{{ cutoff_day - 1 }} days' as date
        ) as invoicing_cutoff_date,
        as_of.as_of_date,
        coalesce(all_months.billing_month <= last_invoiced.billing_month, false) as is_invoiced_or_superseded
    from all_months
    cross join as_of
    cross join last_invoiced
    left join issued_invoices
        on all_months.billing_month = issued_invoices.billing_month
    where all_months.billing_month is not null

),

final as (

    select
        cast(periods.billing_month as date) as billing_month,
        cast(
            case
                when periods.is_invoiced_or_superseded or periods.as_of_date >= periods.invoicing_cutoff_date
                    then 'closed'
                else 'open'
            end as text
        ) as period_status,
        cast(
            not (periods.is_invoiced_or_superseded or periods.as_of_date >= periods.invoicing_cutoff_date)
            as boolean
        ) as is_open_period,
        cast(
            case
                when periods.posted_invoices > 0 then 'invoices issued'
                when periods.is_invoiced_or_superseded then 'a later month is invoiced'
                when periods.as_of_date >= periods.invoicing_cutoff_date then 'invoicing cut-off passed'
                else 'invoices not issued yet'
            end as text
        ) as period_status_reason,
        cast(periods.posted_invoices as integer) as posted_invoices,
        cast(periods.first_invoice_date as date) as first_invoice_date,
        cast(periods.invoicing_cutoff_date as date) as invoicing_cutoff_date,
        cast(periods.as_of_date as date) as as_of_date
    from periods

)

select * from final
