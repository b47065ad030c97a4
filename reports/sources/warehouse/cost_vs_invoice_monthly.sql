-- AWS cost vs invoiced amounts per linked account x service x month (dbt mart billing.cost_vs_invoice_monthly).
select
    billing_month,
    aws_account_id,
    aws_account_name,
    payer_aws_account_id,
    payer_account_name,
    customer_id,
    customer_name,
    service_code,
    aws_cost,
    usage_cost,
    discount_amount,
    credit_amount,
    refund_amount,
    tax_amount,
    invoiced_amount,
    invoiced_credit_amount,
    posted_invoice_amount,
    credit_note_amount,
    margin,
    margin_pct,
    posted_margin,
    currency_code,
    posted_currency_code
from billing.cost_vs_invoice_monthly
order by billing_month, aws_account_id, service_code
