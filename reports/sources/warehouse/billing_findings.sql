-- Billing exceptions: unbilled usage, invoices without cost, under-billing, credited invoices, internal cost (billing.findings).
select
    finding_id,
    finding_type,
    billing_month,
    aws_account_id,
    aws_account_name,
    payer_aws_account_id,
    customer_name,
    account_move_id,
    amount,
    currency_code,
    detail,
    period_status
from billing.findings
order by billing_month desc, finding_type, aws_account_id
