{#- One POD decision per ACE opportunity from the outcomes of the enabled rules (pod.rule_outcomes):
    auto_reject when a critical rule fails; needs_review when a rule asks for review or a non-critical rule
    fails; auto_approve when every rule passes or is not evaluated AND the approval guards hold, whatever the
    configuration: a matched lead at or above the pass threshold of the fused confidence, prior-month spend
    verified from Cost and Usage rows, an eligible ACE stage and status. A case that passes the rules but not a
    guard (a rule disabled, on_missing_data pass, single_signal_mode pass) needs review; the dbt tests
    assert_pod_* fail the build if an approval ever breaks one. -#}
{%- set built_in_rules = [
    'partner_originated', 'spend_threshold', 'end_user_reporting', 'match_confidence', 'eligibility', 'timeline'
] -%}
{%- set pass_threshold = match_threshold('pass') -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

rule_outcomes as (

    select * from {{ ref('rule_outcomes') }}

),

-- what people's reviews make of the decision (review.reviews): they win over the machine's below
reviews_applied as (

    select * from {{ ref('int_pod_decisions_reviewed') }}

),

-- approved claims already exported to AWS (`revops export approved`)
claim_exports as (

    select * from {{ ref('stg_review__claim_exports') }}

),

-- the order reasons are told in: what decides first
ranked_outcomes as (

    select
        rule_outcomes.*,
        case
            when rule_outcomes.outcome = 'fail' and rule_outcomes.is_critical then 1
            when rule_outcomes.outcome in ('fail', 'review') then 2
            when rule_outcomes.outcome = 'pass' then 3
            else 4
        end as severity
    from rule_outcomes

),

per_opportunity as (

    select
        ranked_outcomes.ace_opportunity_id,
        {%- for rule_id in built_in_rules %}
            max(
                case when ranked_outcomes.rule_id = '{{ rule_id }}' then ranked_outcomes.outcome end
            ) as {{ rule_id }}_outcome,
        {%- endfor %}
        string_agg(
            case when ranked_outcomes.severity = 1 then ranked_outcomes.rule_id end, ', '
            order by ranked_outcomes.rule_order
        ) as critical_failures,
        string_agg(
            case when ranked_outcomes.severity = 2 then ranked_outcomes.rule_id end, ', '
            order by ranked_outcomes.rule_order
        ) as review_rules,
        string_agg(
            case when ranked_outcomes.outcome = 'pass' then ranked_outcomes.rule_id end, ', '
            order by ranked_outcomes.rule_order
        ) as passed_rules,
        string_agg(
            case
                when ranked_outcomes.severity = 2
                    then ranked_outcomes.rule_id || ': ' || {{ pod_review_check('ranked_outcomes.rule_id') }}
            end, ' '
            order by ranked_outcomes.rule_order
        ) as review_checks,
        string_agg(
            ranked_outcomes.explanation, ' '
            order by ranked_outcomes.severity, ranked_outcomes.rule_order
        ) as explanations,
        jsonb_object_agg(
            ranked_outcomes.rule_id,
            jsonb_build_object(
                'outcome', ranked_outcomes.outcome,
                'is_critical', ranked_outcomes.is_critical,
                'evidence', ranked_outcomes.evidence,
                'explanation', ranked_outcomes.explanation
            )
        ) as rule_outcomes
    from ranked_outcomes
    group by ranked_outcomes.ace_opportunity_id

),

-- the approval guards: facts an auto-approve needs, checked on the evidence whatever the configuration says
guarded as (

    select
        rule_inputs.*,
        per_opportunity.critical_failures,
        per_opportunity.review_rules,
        per_opportunity.passed_rules,
        per_opportunity.review_checks,
        per_opportunity.explanations,
        coalesce(per_opportunity.rule_outcomes, cast('{}' as jsonb)) as rule_outcomes,
        {%- for rule_id in built_in_rules %}
            coalesce(per_opportunity.{{ rule_id }}_outcome, 'not_evaluated') as {{ rule_id }}_outcome,
        {%- endfor %}
        coalesce(
            rule_inputs.odoo_lead_id is not null and rule_inputs.confidence >= {{ pass_threshold }}, false
        ) as is_match_verified,
        coalesce(
            cast(per_opportunity.rule_outcomes -> 'spend_threshold' -> 'evidence' ->> 'is_verified' as boolean), false
        ) as is_spend_verified,
        coalesce(
            cast(per_opportunity.rule_outcomes -> 'eligibility' -> 'evidence' ->> 'is_eligible' as boolean), false
        ) as is_eligible
    from rule_inputs
    left join per_opportunity
        on rule_inputs.ace_opportunity_id = per_opportunity.ace_opportunity_id

),

decided as (

    select
        guarded.*,
        nullif(concat_ws(
            ', ',
            case when not guarded.is_match_verified then 'match_confidence' end,
            case when not guarded.is_spend_verified then 'spend_threshold' end,
            case when not guarded.is_eligible then 'eligibility' end
        ), '') as guard_failures,
        case
            when guarded.critical_failures is not null then 'auto_reject'
            when guarded.review_rules is not null then 'needs_review'
            when guarded.is_match_verified and guarded.is_spend_verified and guarded.is_eligible then 'auto_approve'
            else 'needs_review'
        end as decision
    from guarded

),

-- what the decision says: the deciding rules, the sentences of the guards that held it, what a person checks
explained as (

    select
        decided.*,
        case decided.decision
            when 'auto_reject' then decided.critical_failures
            when 'needs_review' then coalesce(decided.review_rules, decided.guard_failures)
            else decided.passed_rules
        end as deciding_rules,
        case
            when decided.decision = 'needs_review' and decided.review_rules is null
                then concat_ws(
                    ' ',
                    case
                        when not decided.is_match_verified
                            then
                                'Approval guard (match_confidence): '
                                || case
                                    when decided.odoo_lead_id is null then 'no matched Odoo lead'
                                    else
                                        'fused confidence ' || round(coalesce(decided.confidence, 0), 3)
                                        || ' is below the pass threshold {{ pass_threshold }}'
                                end
                                || ', so no automatic approval.'
                    end,
                    case
                        when not decided.is_spend_verified
                            then
                                'Approval guard (spend_threshold): the prior-month spend is not verified from '
                                || 'Cost and Usage rows, so no automatic approval.'
                    end,
                    case
                        when not decided.is_eligible
                            then
                                'Approval guard (eligibility): the ACE stage and status are not verified as '
                                || 'eligible, so no automatic approval.'
                    end
                )
        end as guard_explanations,
        case
            when decided.decision = 'needs_review'
                then concat_ws(
                    ' ',
                    decided.review_checks,
                    case
                        when decided.review_rules is null and not decided.is_match_verified
                            then 'match_confidence: ' || {{ pod_review_check("'match_confidence'") }}
                    end,
                    case
                        when decided.review_rules is null and not decided.is_spend_verified
                            then 'spend_threshold: ' || {{ pod_review_check("'spend_threshold'") }}
                    end,
                    case
                        when decided.review_rules is null and not decided.is_eligible
                            then 'eligibility: ' || {{ pod_review_check("'eligibility'") }}
                    end
                )
        end as review_checks_text
    from decided

),

final as (

    select
        -- ids
        cast(decided.ace_opportunity_id as text) as ace_opportunity_id,
        cast(decided.odoo_lead_id as integer) as odoo_lead_id,
        cast(decided.customer_id as integer) as customer_id,

        -- strings
        cast(decided.project_title as text) as opportunity_title,
        cast(decided.customer_company_name as text) as customer_company_name,
        cast(decided.opportunity_ownership as text) as opportunity_ownership,
        cast(decided.ace_stage as text) as ace_stage,
        cast(case when decided.odoo_lead_id is not null then decided.candidate_lead_name end as text) as odoo_lead_name,
        cast(decided.match_method as text) as match_method,
        cast(decided.decision as text) as decision,
        cast(
            case decided.decision
                when 'auto_reject' then 'Auto-reject: critical rule failed (' || decided.deciding_rules || ').'
                when 'needs_review' then 'Needs review (' || decided.deciding_rules || ').'
                else 'Auto-approve: every rule passed (' || decided.deciding_rules || ').'
            end
            || coalesce(' ' || decided.guard_explanations, '')
            || coalesce(' ' || decided.explanations, '') as text
        ) as reasons,
        cast(decided.deciding_rules as text) as deciding_rules,
        cast(decided.review_checks_text as text) as review_checks,
        {%- for rule_id in built_in_rules %}
            cast(decided.{{ rule_id }}_outcome as text) as {{ rule_id }}_outcome,
        {%- endfor %}
        cast('{{ var("pod_tenant", "default") }}' as text) as tenant,
        cast('{{ var("pod_rule_set_version", "unversioned") }}' as text) as rule_set_version,

        -- numerics
        cast(coalesce(decided.confidence, 0) as numeric) as confidence,

        -- booleans
        cast(decided.is_spend_verified as boolean) as is_spend_verified,
        cast(decided.is_eligible as boolean) as is_eligible,

        -- json
        cast(decided.rule_outcomes as jsonb) as rule_outcomes,

        -- dates
        cast(decided.target_close_date as date) as target_close_date,
        cast(decided.as_of_date as date) as as_of_date,

        -- timestamps
        cast('{{ run_started_at }}' as timestamptz) as decided_at,

        -- after review: the final lead and decision (the machine's stay in odoo_lead_id and decision)
        cast(case
            when reviews_applied.review_status = 'changed_since_review' then 'needs_review'
            else coalesce(reviews_applied.reviewed_decision, decided.decision)
        end as text) as final_decision,
        cast(case
            when reviews_applied.review_status = 'reviewed' and reviews_applied.lead_action is not null
                then reviews_applied.reviewed_odoo_lead_id
            else decided.odoo_lead_id
        end as integer) as final_odoo_lead_id,
        cast(case
            when reviews_applied.review_status = 'reviewed' then reviews_applied.reviewed_by else 'machine'
        end as text) as final_decided_by,
        cast(coalesce(reviews_applied.review_status, 'unreviewed') as text) as review_status,
        cast(reviews_applied.lead_action as text) as review_lead_action,
        cast(reviews_applied.decision_action as text) as review_decision_action,
        cast(reviews_applied.reviewed_by as text) as reviewed_by,
        cast(reviews_applied.review_reason as text) as review_reason,
        cast(reviews_applied.review_changes as text) as review_changes,
        cast(reviews_applied.reviewed_at as timestamptz) as reviewed_at,
        cast(claim_exports.exported_at as timestamptz) as claim_exported_at

    from explained as decided
    left join reviews_applied
        on decided.ace_opportunity_id = reviews_applied.ace_opportunity_id
    left join claim_exports
        on decided.ace_opportunity_id = claim_exports.ace_opportunity_id

)

select * from final
