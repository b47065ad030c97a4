-- Approved claims ready for `revops export approved`, with who decided and the export state (dbt mart pod.approved_claims).
select
    ace_opportunity_id,
    odoo_lead_id,
    odoo_lead_name,
    customer_company_name,
    opportunity_title,
    aws_account_ids,
    final_decision,
    decided_by,
    decided_at,
    review_reason,
    confidence,
    target_close_date,
    is_exported,
    exported_at
from pod.approved_claims
order by decided_at desc, ace_opportunity_id
