{{ config(severity='error', tags=['pod_invariant']) }}
-- POD invariant: no auto-approve below the pass threshold of the fused match confidence (POD rule 4), whatever
-- the configuration (single signals may lift a pair into review, never into approval). Returns the offenders.

select
    decisions.ace_opportunity_id,
    decisions.confidence,
    decisions.reasons
from {{ ref('decisions') }} as decisions
where
    decisions.decision = 'auto_approve'
    and coalesce(decisions.confidence < {{ match_threshold('pass') }}, true)
