-- Billing exceptions, one row per finding: usage nobody invoiced, invoices without AWS cost, usage invoiced
-- below the account's markup, invoices reversed by credit notes, staging bills never invoiced, and the cost of
-- internal/sandbox accounts (not invoiced by design). Open billing months are left out unless
-- var('billing_findings_on_open_periods') is true: nothing there is late yet.
with

cost_vs_invoice_monthly as (

    select * from {{ ref('cost_vs_invoice_monthly') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

billing_bills as (

    select * from {{ ref('stg_odoo__billing_bills') }}

),

bill_lines as (

    select * from {{ ref('int_billing_bill_lines_resolved') }}

),

account_moves as (

    select * from {{ ref('stg_odoo__account_moves') }}

),

billing_periods as (

    select * from {{ ref('billing_periods') }}

),

accounts_by_number as (

    select * from {{ ref('int_billing_accounts_by_number') }}

),

account_months as (

    select
        cost_vs_invoice_monthly.aws_account_id,
        cost_vs_invoice_monthly.billing_month,
        max(cost_vs_invoice_monthly.currency_code) as currency_code,
        sum(cost_vs_invoice_monthly.aws_cost) as aws_cost,
        sum(cost_vs_invoice_monthly.invoiced_amount) as invoiced_amount,
        bool_or(cost_vs_invoice_monthly.has_cost) as has_cost,
        bool_or(cost_vs_invoice_monthly.has_invoice) as has_invoice
    from cost_vs_invoice_monthly
    group by cost_vs_invoice_monthly.aws_account_id, cost_vs_invoice_monthly.billing_month

),

unbilled_usage as (

    select
        'unbilled_usage' as finding_type,
        account_months.aws_account_id,
        account_months.billing_month,
        cast(null as integer) as account_move_id,
        account_months.aws_cost as amount,
        account_months.currency_code,
        case
            when accounts_by_number.aws_account_id is null then 'AWS cost of an account that is not in Odoo'
            else 'AWS cost with no invoice line for the account this month'
        end as detail
    from account_months
    inner join billing_periods
        on account_months.billing_month = billing_periods.billing_month
    left join accounts_by_number
        on account_months.aws_account_id = accounts_by_number.aws_account_id
    where
        account_months.has_cost
        and not account_months.has_invoice
        and account_months.aws_cost != 0
        -- usage is late on an invoice only once the month is closed (its invoices issued or the cut-off passed)
        and not billing_periods.is_open_period
        -- the partner's own (non-billable) accounts are nobody's to invoice: see internal_cost
        and coalesce(accounts_by_number.is_billable, true)

),

-- internal, sandbox and other non-billable accounts: their cost is the partner's own, outside customer margin
internal_cost as (

    select
        'internal_cost' as finding_type,
        account_months.aws_account_id,
        account_months.billing_month,
        cast(null as integer) as account_move_id,
        account_months.aws_cost as amount,
        account_months.currency_code,
        'internal/sandbox account: cost is not invoiced by design (not billable in Odoo)' as detail
    from account_months
    inner join accounts_by_number
        on account_months.aws_account_id = accounts_by_number.aws_account_id
    where
        account_months.has_cost
        and account_months.aws_cost != 0
        and not accounts_by_number.is_billable

),

invoice_without_cost as (

    select
        'invoice_without_cost' as finding_type,
        account_months.aws_account_id,
        account_months.billing_month,
        cast(null as integer) as account_move_id,
        account_months.invoiced_amount as amount,
        account_months.currency_code,
        'invoiced although AWS charged nothing for the account this month' as detail
    from account_months
    where account_months.has_invoice and not account_months.has_cost

),

-- usage, support and marketplace lines carry the account's markup; credits, refunds and tax pass through at cost
marked_up_lines as (

    select
        bill_lines.aws_account_id,
        bill_lines.billing_month,
        max(bill_lines.bill_currency_code) as currency_code,
        max(bill_lines.markup_percent) as markup_percent,
        sum(bill_lines.aws_cost) as billed_aws_cost,
        sum(bill_lines.price_subtotal) as invoiced_amount
    from bill_lines
    where
        bill_lines.odoo_aws_account_id is not null
        and bill_lines.line_type in ('usage', 'support', 'marketplace')
    group by bill_lines.aws_account_id, bill_lines.billing_month

),

under_billed as (

    select
        'under_billed' as finding_type,
        marked_up_lines.aws_account_id,
        marked_up_lines.billing_month,
        cast(null as integer) as account_move_id,
        marked_up_lines.billed_aws_cost * (1 + coalesce(marked_up_lines.markup_percent, 0) / 100)
        - marked_up_lines.invoiced_amount as amount,
        marked_up_lines.currency_code,
        'usage invoiced at ' || round(marked_up_lines.invoiced_amount, 2) || ' instead of '
        || round(marked_up_lines.billed_aws_cost * (1 + coalesce(marked_up_lines.markup_percent, 0) / 100), 2)
        || ' (cost ' || round(marked_up_lines.billed_aws_cost, 2) || ' + markup '
        || trim_scale(coalesce(marked_up_lines.markup_percent, 0)) || ' %)' as detail
    from marked_up_lines
    where
        marked_up_lines.billed_aws_cost > 0
        -- half a percent of slack for the cent rounding of each line
        and marked_up_lines.invoiced_amount
        < marked_up_lines.billed_aws_cost * (1 + coalesce(marked_up_lines.markup_percent, 0) / 100) * 0.995 - 0.01

),

credited_invoice as (

    select
        'credited_invoice' as finding_type,
        bill_accounts.aws_account_id,
        billing_bills.billing_month,
        original_invoices.account_move_id,
        credit_notes.amount_total_signed as amount,
        credit_notes.currency_code,
        original_invoices.move_name || ' reversed by credit note ' || credit_notes.move_name as detail
    from account_moves as credit_notes
    inner join account_moves as original_invoices
        on credit_notes.reversed_account_move_id = original_invoices.account_move_id
    inner join billing_bills
        on original_invoices.account_move_id = billing_bills.account_move_id
    left join aws_accounts as bill_accounts
        on billing_bills.odoo_aws_account_id = bill_accounts.odoo_aws_account_id
    where
        credit_notes.move_type = 'out_refund'
        and credit_notes.move_state = 'posted'

),

bill_not_invoiced as (

    select
        'bill_not_invoiced' as finding_type,
        bill_accounts.aws_account_id,
        billing_bills.billing_month,
        cast(null as integer) as account_move_id,
        billing_bills.amount_untaxed as amount,
        billing_bills.currency_code,
        'staging bill ' || billing_bills.bill_name || ' is ' || billing_bills.bill_state || ', not invoiced' as detail
    from billing_bills
    left join aws_accounts as bill_accounts
        on billing_bills.odoo_aws_account_id = bill_accounts.odoo_aws_account_id
    where
        billing_bills.bill_state != 'cancel'
        and (billing_bills.bill_state != 'invoiced' or billing_bills.account_move_id is null)

),

all_findings as (

    select * from unbilled_usage
    union all
    select * from internal_cost
    union all
    select * from invoice_without_cost
    union all
    select * from under_billed
    union all
    select * from credited_invoice
    union all
    select * from bill_not_invoiced

),

final as (

    select
        cast(md5(
            all_findings.finding_type || '|' || coalesce(all_findings.aws_account_id, '') || '|'
            || all_findings.billing_month || '|' || coalesce(cast(all_findings.account_move_id as text), '')
        ) as text) as finding_id,
        cast(all_findings.finding_type as text) as finding_type,
        cast(all_findings.billing_month as date) as billing_month,
        cast(all_findings.aws_account_id as text) as aws_account_id,
        cast(accounts_by_number.odoo_aws_account_id as integer) as odoo_aws_account_id,
        cast(accounts_by_number.aws_account_name as text) as aws_account_name,
        cast(coalesce(accounts_by_number.payer_aws_account_id, all_findings.aws_account_id) as text)
            as payer_aws_account_id,
        cast(accounts_by_number.customer_id as integer) as customer_id,
        cast(accounts_by_number.customer_name as text) as customer_name,
        cast(all_findings.account_move_id as integer) as account_move_id,
        cast(round(all_findings.amount, 2) as numeric(18, 2)) as amount,
        cast(coalesce(all_findings.currency_code, '{{ var("company_currency_code") }}') as text) as currency_code,
        cast(all_findings.detail as text) as detail,
        cast(billing_periods.period_status as text) as period_status
    from all_findings
    left join accounts_by_number
        on all_findings.aws_account_id = accounts_by_number.aws_account_id
    left join billing_periods
        on all_findings.billing_month = billing_periods.billing_month
    -- an open month is still being invoiced: nothing in it is a finding yet (unless the var says otherwise)
    where
        {{ 'true' if var('billing_findings_on_open_periods') else 'false' }}
        or not coalesce(billing_periods.is_open_period, false)

)

select * from final
