-- One POD decision per ACE opportunity (dbt mart pod.decisions), with each rule's outcome.
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
    partner_originated_outcome,
    spend_threshold_outcome,
    end_user_reporting_outcome,
    match_confidence_outcome,
    timeline_outcome,
    decided_at
from pod.decisions
order by decided_at desc, ace_opportunity_id
