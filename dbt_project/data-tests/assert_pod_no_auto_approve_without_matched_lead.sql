{{ config(severity='error', tags=['pod_invariant']) }}
-- POD invariant: no auto-approve without a matched Odoo lead. Returns the offenders.

select
    decisions.ace_opportunity_id,
    decisions.match_method,
    decisions.reasons
from {{ ref('decisions') }} as decisions
where
    decisions.decision = 'auto_approve'
    and (decisions.odoo_lead_id is null or decisions.match_method = 'none')
