{{ config(severity='error', tags=['pod_invariant']) }}
-- POD invariant: no auto-approve on an ACE stage or status that cannot earn POD (rules/pod.yml, rule
-- eligibility; Closed Lost never, whatever the configuration). Returns the offenders.
{%- set eligible_stages = pod_rule('eligibility').get('eligible_stages', []) %}

select
    decisions.ace_opportunity_id,
    decisions.ace_stage,
    decisions.eligibility_outcome,
    decisions.reasons
from {{ ref('decisions') }} as decisions
where
    decisions.decision = 'auto_approve'
    and (
        not decisions.is_eligible
        or decisions.eligibility_outcome != 'pass'
        or decisions.ace_stage is null
        or decisions.ace_stage ilike '%lost%'
        {%- if eligible_stages %}
            or decisions.ace_stage not in {{ pod_sql_list(eligible_stages) }}
        {%- endif %}
    )
