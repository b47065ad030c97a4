-- One row per ACE opportunity for the POD review page (reports/pages/pod/index.md): the decision with its match
-- band, owner, the rule that decided it and every failing rule, so the page filters one small table in the browser
-- instead of joining decisions, matches, opportunities and rule outcomes there (issue 16: time to interactive)
with

decisions as (

    select * from {{ ref('decisions') }}

),

matches as (

    select * from {{ ref('matches') }}

),

opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

rule_outcomes as (

    select * from {{ ref('rule_outcomes') }}

),

-- rules numbered by their order, as the page's legend numbers them
rules as (

    select
        rule_id,
        dense_rank() over (order by min(rule_order), rule_id) as rule_number
    from rule_outcomes
    group by rule_id

),

failing as (

    select
        rule_outcomes.ace_opportunity_id,
        rule_outcomes.rule_id,
        rule_outcomes.rule_order,
        rule_outcomes.outcome,
        rule_outcomes.explanation,
        rules.rule_number || '. ' || replace(rule_outcomes.rule_id, '_', ' ') as rule_label,
        -- the deciding rule, as pod.decisions ranks them: a failing critical rule first, then by rule order
        row_number() over (
            partition by rule_outcomes.ace_opportunity_id
            order by
                case when rule_outcomes.outcome = 'fail' and rule_outcomes.is_critical then 1 else 2 end,
                rule_outcomes.rule_order
        ) as pick
    from rule_outcomes
    inner join rules
        on rule_outcomes.rule_id = rules.rule_id
    where rule_outcomes.outcome in ('fail', 'review')

),

per_opportunity as (

    select
        ace_opportunity_id,
        string_agg(rule_label || ': ' || outcome, ', ' order by rule_order) as failing_rules,
        -- ',rule_a,rule_b,': the page's rule filter matches '%,rule_id,%'
        ',' || string_agg(rule_id, ',' order by rule_order) || ',' as failing_rule_ids,
        max(rule_label || ': ' || replace(outcome, '_', ' ')) filter (where pick = 1) as deciding_rule,
        max(explanation) filter (where pick = 1) as deciding_reason
    from failing
    group by ace_opportunity_id

)

select
    decisions.ace_opportunity_id,
    decisions.opportunity_title,
    decisions.customer_company_name,
    decisions.odoo_lead_id,
    decisions.odoo_lead_name,
    decisions.confidence,
    decisions.decision,
    decisions.final_decision,
    decisions.review_status,
    decisions.review_changes,
    decisions.reviewed_by,
    decisions.review_reason,
    decisions.claim_exported_at,
    per_opportunity.failing_rules,
    coalesce(
        matches.band, case when decisions.odoo_lead_id is null then 'no_match' else 'not_scored' end
    ) as band,
    coalesce(opportunities.owner_name, 'unassigned') as owner_name,
    coalesce(per_opportunity.failing_rule_ids, ',') as failing_rule_ids,
    coalesce(per_opportunity.deciding_rule, 'every rule passed') as deciding_rule,
    coalesce(per_opportunity.deciding_reason, 'Every evaluated rule passed.') as deciding_reason
from decisions
left join matches
    on
        decisions.ace_opportunity_id = matches.ace_opportunity_id
        and decisions.odoo_lead_id = matches.odoo_lead_id
left join opportunities
    on decisions.ace_opportunity_id = opportunities.ace_opportunity_id
left join per_opportunity
    on decisions.ace_opportunity_id = per_opportunity.ace_opportunity_id
