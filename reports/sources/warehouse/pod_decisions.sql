-- One POD decision per ACE opportunity (dbt mart pod.decisions).
select
    ace_opportunity_id,
    opportunity_title,
    customer_company_name,
    opportunity_ownership,
    ace_stage,
    target_close_date,
    odoo_lead_id,
    odoo_lead_name,
    match_method,
    confidence,
    decision,
    reasons,
    decided_at
from pod.decisions
order by decided_at desc, ace_opportunity_id
