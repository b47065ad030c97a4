-- The same, rolled up to payer account x month (dbt mart billing.cost_vs_invoice_payer_monthly).
select
    billing_month,
    payer_aws_account_id,
    payer_account_name,
    currency_code,
    linked_accounts,
    aws_cost,
    invoiced_amount,
    posted_invoice_amount,
    credit_note_amount,
    margin,
    margin_pct
from billing.cost_vs_invoice_payer_monthly
order by billing_month, payer_aws_account_id
