{{ config(severity='error', tags=['pod_invariant']) }}
-- POD invariant: no auto-approve without prior-month spend verified from Cost and Usage rows: the spend rule ran,
-- found the customer's accounts and cost rows for the month, and the spend is below its threshold. "$0.00 across
-- 0 accounts" is missing evidence. Returns the offenders.

with

spend as (

    select
        decisions.ace_opportunity_id,
        decisions.is_spend_verified,
        decisions.reasons,
        decisions.rule_outcomes -> 'spend_threshold' ->> 'outcome' as outcome,
        decisions.rule_outcomes -> 'spend_threshold' -> 'evidence' as evidence
    from {{ ref('decisions') }} as decisions
    where decisions.decision = 'auto_approve'

)

select
    spend.ace_opportunity_id,
    spend.outcome,
    spend.evidence,
    spend.reasons
from spend
where
    not spend.is_spend_verified
    or spend.outcome is distinct from 'pass'
    or spend.evidence ->> 'missing_reason' is not null
    or coalesce(cast(spend.evidence ->> 'linked_account_count' as integer), 0) = 0
    or coalesce(cast(spend.evidence ->> 'accounts_with_cost_count' as integer), 0) = 0
    or coalesce(
        cast(spend.evidence ->> 'spend_usd' as numeric) >= cast(spend.evidence ->> 'threshold_usd' as numeric), true
    )
