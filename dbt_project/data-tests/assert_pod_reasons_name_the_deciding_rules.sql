{{ config(severity='error', tags=['pod_invariant']) }}
-- POD invariant: every decision names the rules that decided it, in the first sentence of its reasons, and a
-- needs_review says what a person must check for each of them. Returns the offenders with the missing part.

with

decisions as (

    select * from {{ ref('decisions') }}

),

deciding as (

    select
        decisions.ace_opportunity_id,
        decisions.decision,
        decisions.reasons,
        decisions.review_checks,
        btrim(deciding_rule) as rule_id
    from decisions
    cross join lateral regexp_split_to_table(coalesce(decisions.deciding_rules, ''), ',') as deciding_rule

),

final as (

    select
        deciding.ace_opportunity_id,
        deciding.decision,
        deciding.rule_id,
        case
            when deciding.rule_id = '' then 'no deciding rule'
            when
                position('(' in deciding.reasons) = 0
                or position(deciding.rule_id in split_part(deciding.reasons, ').', 1)) = 0
                then 'reasons do not name ' || deciding.rule_id
            when
                deciding.decision = 'needs_review'
                and position(deciding.rule_id || ': ' in coalesce(deciding.review_checks, '')) = 0
                then 'review_checks say nothing to check for ' || deciding.rule_id
        end as problem
    from deciding

)

select * from final
where problem is not null
