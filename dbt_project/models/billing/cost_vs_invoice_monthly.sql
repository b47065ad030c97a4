with

aws_cost_usage as (

    select * from {{ ref('stg_odoo__aws_cost_usage') }}

),

bill_lines as (

    select * from {{ ref('int_billing_bill_lines_resolved') }}

),

posted_invoice_lines as (

    select * from {{ ref('int_billing_posted_invoice_lines') }}

),

customers as (

    select * from {{ ref('customers') }}

),

billing_periods as (

    select * from {{ ref('billing_periods') }}

),

accounts_by_number as (

    select * from {{ ref('int_billing_accounts_by_number') }}

),

-- what AWS charges: CUR rows per usage account x service x month
cost_side as (

    select
        coalesce(aws_cost_usage.usage_aws_account_id, '') as aws_account_id,
        coalesce(aws_cost_usage.service_code, '') as service_code,
        aws_cost_usage.billing_month,
        max(aws_cost_usage.payer_aws_account_id) as cur_payer_aws_account_id,
        max(aws_cost_usage.currency_code) as currency_code,
        sum(aws_cost_usage.unblended_cost) as aws_cost,
        sum(aws_cost_usage.usage_cost) as usage_cost,
        sum(aws_cost_usage.discount_amount) as discount_amount,
        sum(aws_cost_usage.credit_amount) as credit_amount,
        sum(aws_cost_usage.refund_amount) as refund_amount,
        sum(aws_cost_usage.tax_amount) as tax_amount
    from aws_cost_usage
    group by
        coalesce(aws_cost_usage.usage_aws_account_id, ''),
        coalesce(aws_cost_usage.service_code, ''),
        aws_cost_usage.billing_month

),

-- what the partner invoices: staging bill lines with an account or service
invoiced_side as (

    select
        coalesce(bill_lines.aws_account_id, '') as aws_account_id,
        coalesce(bill_lines.service_code, '') as service_code,
        bill_lines.billing_month,
        max(bill_lines.bill_customer_id) as bill_customer_id,
        max(bill_lines.currency_code) as currency_code,
        sum(bill_lines.price_subtotal) as invoiced_amount,
        sum(bill_lines.aws_cost) as billed_aws_cost,
        sum(case when bill_lines.line_type in ('credit', 'refund') then bill_lines.price_subtotal end)
            as invoiced_credit_amount,
        sum(case when bill_lines.line_type = 'tax' then bill_lines.price_subtotal end) as invoiced_tax_amount
    from bill_lines
    where bill_lines.aws_account_id is not null or bill_lines.line_service_code is not null
    group by
        coalesce(bill_lines.aws_account_id, ''),
        coalesce(bill_lines.service_code, ''),
        bill_lines.billing_month

),

-- posted customer invoices and credit notes: AWS resale product lines (company currency, credit notes negative)
posted_side as (

    select
        coalesce(posted_invoice_lines.aws_account_id, '') as aws_account_id,
        coalesce(posted_invoice_lines.service_code, '') as service_code,
        posted_invoice_lines.billing_month,
        max(posted_invoice_lines.invoice_customer_id) as invoice_customer_id,
        sum(posted_invoice_lines.posted_invoice_amount) as posted_invoice_amount,
        sum(posted_invoice_lines.credit_note_amount) as credit_note_amount
    from posted_invoice_lines
    where posted_invoice_lines.display_type = 'product' and posted_invoice_lines.is_aws_resale
    group by
        coalesce(posted_invoice_lines.aws_account_id, ''),
        coalesce(posted_invoice_lines.service_code, ''),
        posted_invoice_lines.billing_month

),

-- keys are never null on the three sides ('' stands for a missing account or service) so the joins can hash
all_keys as (

    select
        cost_side.aws_account_id,
        cost_side.service_code,
        cost_side.billing_month
    from cost_side
    union
    select
        invoiced_side.aws_account_id,
        invoiced_side.service_code,
        invoiced_side.billing_month
    from invoiced_side
    union
    select
        posted_side.aws_account_id,
        posted_side.service_code,
        posted_side.billing_month
    from posted_side

),

joined as (

    select
        all_keys.billing_month,
        nullif(all_keys.aws_account_id, '') as aws_account_id,
        nullif(all_keys.service_code, '') as service_code,
        key_accounts.aws_account_name,
        coalesce(key_accounts.payer_aws_account_id, cost_side.cur_payer_aws_account_id) as payer_aws_account_id,
        coalesce(
            key_accounts.customer_id, invoiced_side.bill_customer_id, posted_side.invoice_customer_id
        ) as customer_id,
        coalesce(cost_side.aws_cost, 0) as aws_cost,
        coalesce(invoiced_side.invoiced_amount, 0) as invoiced_amount,
        coalesce(posted_side.posted_invoice_amount, 0) as posted_invoice_amount,
        coalesce(
            cost_side.currency_code, invoiced_side.currency_code, '{{ var("company_currency_code") }}'
        ) as currency_code,
        coalesce(cost_side.usage_cost, 0) as usage_cost,
        coalesce(cost_side.discount_amount, 0) as discount_amount,
        coalesce(cost_side.credit_amount, 0) as credit_amount,
        coalesce(cost_side.refund_amount, 0) as refund_amount,
        coalesce(cost_side.tax_amount, 0) as tax_amount,
        coalesce(invoiced_side.billed_aws_cost, 0) as billed_aws_cost,
        coalesce(invoiced_side.invoiced_credit_amount, 0) as invoiced_credit_amount,
        coalesce(invoiced_side.invoiced_tax_amount, 0) as invoiced_tax_amount,
        coalesce(posted_side.credit_note_amount, 0) as credit_note_amount,
        invoiced_side.currency_code as invoice_currency_code,
        -- accounts not in Odoo are presumed billable (their cost shows as unbilled usage)
        coalesce(key_accounts.is_billable, true) as is_billable,
        cost_side.aws_account_id is not null as has_cost,
        invoiced_side.aws_account_id is not null as has_invoice,
        posted_side.aws_account_id is not null as has_posted_invoice
    from all_keys
    left join cost_side
        on
            all_keys.aws_account_id = cost_side.aws_account_id
            and all_keys.service_code = cost_side.service_code
            and all_keys.billing_month = cost_side.billing_month
    left join invoiced_side
        on
            all_keys.aws_account_id = invoiced_side.aws_account_id
            and all_keys.service_code = invoiced_side.service_code
            and all_keys.billing_month = invoiced_side.billing_month
    left join posted_side
        on
            all_keys.aws_account_id = posted_side.aws_account_id
            and all_keys.service_code = posted_side.service_code
            and all_keys.billing_month = posted_side.billing_month
    left join accounts_by_number as key_accounts
        on all_keys.aws_account_id = key_accounts.aws_account_id

),

-- customer margin covers billable accounts in closed months only; the rest of the cost is internal or not
-- invoiced yet, never a loss
classified as (

    select
        joined.*,
        billing_periods.period_status,
        billing_periods.is_open_period,
        joined.is_billable and not billing_periods.is_open_period as is_in_margin,
        case
            when not joined.is_billable then 'internal/sandbox account: cost is not invoiced by design'
            when billing_periods.is_open_period then 'open period: invoices not issued yet'
        end as margin_exclusion_reason,
        round(joined.aws_cost, 2) as aws_cost_cents,
        round(joined.invoiced_amount, 2) as invoiced_amount_cents,
        round(joined.posted_invoice_amount, 2) as posted_invoice_amount_cents
    from joined
    inner join billing_periods
        on joined.billing_month = billing_periods.billing_month

),

final as (

    select
        cast(classified.billing_month as date) as billing_month,
        cast(classified.aws_account_id as text) as aws_account_id,
        cast(classified.aws_account_name as text) as aws_account_name,
        cast(classified.payer_aws_account_id as text) as payer_aws_account_id,
        cast(payers.aws_account_name as text) as payer_account_name,
        cast(classified.customer_id as integer) as customer_id,
        cast(customers.customer_name as text) as customer_name,
        cast(classified.service_code as text) as service_code,
        cast(classified.aws_cost_cents as numeric(18, 2)) as aws_cost,
        cast(classified.invoiced_amount_cents as numeric(18, 2)) as invoiced_amount,
        cast(classified.posted_invoice_amount_cents as numeric(18, 2)) as posted_invoice_amount,
        cast(
            case when classified.is_in_margin then classified.invoiced_amount_cents - classified.aws_cost_cents end
            as numeric(18, 2)
        ) as margin,
        cast(
            case
                when classified.is_in_margin
                    then round(
                        (classified.invoiced_amount_cents - classified.aws_cost_cents)
                        / nullif(classified.invoiced_amount_cents, 0),
                        4
                    )
            end as numeric
        ) as margin_pct,
        cast(classified.currency_code as text) as currency_code,
        cast(round(classified.usage_cost, 2) as numeric(18, 2)) as usage_cost,
        cast(round(classified.discount_amount, 2) as numeric(18, 2)) as discount_amount,
        cast(round(classified.credit_amount, 2) as numeric(18, 2)) as credit_amount,
        cast(round(classified.refund_amount, 2) as numeric(18, 2)) as refund_amount,
        cast(round(classified.tax_amount, 2) as numeric(18, 2)) as tax_amount,
        cast(round(classified.billed_aws_cost, 2) as numeric(18, 2)) as billed_aws_cost,
        cast(round(classified.invoiced_credit_amount, 2) as numeric(18, 2)) as invoiced_credit_amount,
        cast(round(classified.invoiced_tax_amount, 2) as numeric(18, 2)) as invoiced_tax_amount,
        cast(round(classified.credit_note_amount, 2) as numeric(18, 2)) as credit_note_amount,
        cast(
            case
                when classified.is_in_margin
                    then classified.posted_invoice_amount_cents - classified.aws_cost_cents
            end as numeric(18, 2)
        ) as posted_margin,
        cast(classified.invoice_currency_code as text) as invoice_currency_code,
        cast('{{ var("company_currency_code") }}' as text) as posted_currency_code,
        cast(classified.has_cost as boolean) as has_cost,
        cast(classified.has_invoice as boolean) as has_invoice,
        cast(classified.has_posted_invoice as boolean) as has_posted_invoice,
        cast(classified.period_status as text) as period_status,
        cast(classified.is_open_period as boolean) as is_open_period,
        cast(classified.is_billable as boolean) as is_billable,
        cast(case when classified.is_billable then 'customer' else 'internal' end as text) as cost_category,
        cast(classified.is_in_margin as boolean) as is_in_margin,
        cast(classified.margin_exclusion_reason as text) as margin_exclusion_reason,
        cast(case when classified.is_in_margin then classified.aws_cost_cents else 0 end as numeric(18, 2))
            as margin_aws_cost,
        cast(case when classified.is_in_margin then classified.invoiced_amount_cents else 0 end as numeric(18, 2))
            as margin_invoiced_amount,
        cast(
            case when classified.is_in_margin then classified.posted_invoice_amount_cents else 0 end
            as numeric(18, 2)
        ) as margin_posted_invoice_amount,
        cast(
            case when classified.is_billable and classified.is_open_period then classified.aws_cost_cents else 0 end
            as numeric(18, 2)
        ) as open_period_aws_cost,
        cast(case when classified.is_billable then 0 else classified.aws_cost_cents end as numeric(18, 2))
            as internal_aws_cost
    from classified
    left join accounts_by_number as payers
        on classified.payer_aws_account_id = payers.aws_account_id
    left join customers
        on classified.customer_id = customers.customer_id

)

select * from final
