{#- What people's reviews make of the machine's POD decision, one row per reviewed ACE opportunity. The latest
    review of each kind wins: lead (confirm_lead, choose_lead, no_lead) and decision (approve, reject; it counts
    only when it is not older than the latest lead review). A review whose evidence fingerprint differs from the
    current one (int_pod_review_evidence), or whose lead no longer exists, is "changed_since_review": the item
    goes back to the queue. Otherwise:
      approve / reject                  -> approved_by_review / rejected_by_review
      no_lead                           -> rejected_by_review (no CRM lead proves partner origination)
      confirm_lead                      -> the match counts as passed; the other rules decide
                                           (critical failure: auto_reject, a review or failure: needs_review,
                                           else approved_by_review)
      choose_lead (another lead)        -> needs_review: the rules ran on the machine's lead, so a person approves
                                           or rejects with a reason. -#}

with

reviews as (

    select * from {{ ref('stg_review__reviews') }}

),

evidence as (

    select * from {{ ref('int_pod_review_evidence') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

rule_outcomes as (

    select * from {{ ref('rule_outcomes') }}

),

ranked_reviews as (

    select
        reviews.*,
        row_number() over (
            partition by reviews.ace_opportunity_id, reviews.review_kind
            order by reviews.reviewed_at desc, reviews.review_id desc
        ) as recency
    from reviews

),

latest_reviews as (

    select ranked_reviews.* from ranked_reviews
    where ranked_reviews.recency = 1

),

-- what moved under each latest review: evidence keys that differ, and a chosen lead that no longer exists
evidence_changes as (

    select
        latest_reviews.review_id,
        string_agg(
            reviewed.key || ' ' || coalesce(reviewed.value #>> '{}', 'none') || ' -> '
            || coalesce(evidence.evidence ->> reviewed.key, 'none'),
            ', ' order by reviewed.key
        ) as changes
    from latest_reviews
    inner join evidence
        on latest_reviews.ace_opportunity_id = evidence.ace_opportunity_id
    cross join lateral jsonb_each(latest_reviews.evidence) as reviewed
    where
        (evidence.evidence -> reviewed.key) is distinct from reviewed.value
        -- without a lead there is no customer whose spend could matter
        and not (latest_reviews.action = 'no_lead' and reviewed.key = 'spend_threshold_outcome')
    group by latest_reviews.review_id

),

review_changes as (

    select
        latest_reviews.*,
        nullif(concat_ws(
            ', ',
            evidence_changes.changes,
            case
                when latest_reviews.odoo_lead_id is not null and odoo_opportunities.lead_id is null
                    then 'lead ' || latest_reviews.odoo_lead_id || ' deleted'
            end
        ), '') as changes
    from latest_reviews
    left join evidence_changes
        on latest_reviews.review_id = evidence_changes.review_id
    left join odoo_opportunities
        on latest_reviews.odoo_lead_id = odoo_opportunities.lead_id

),

other_rules as (

    select
        rule_outcomes.ace_opportunity_id,
        coalesce(bool_or(rule_outcomes.outcome = 'fail' and rule_outcomes.is_critical), false)
            as has_critical_failure,
        coalesce(bool_or(rule_outcomes.outcome in ('fail', 'review')), false) as has_review
    from rule_outcomes
    where rule_outcomes.rule_id != 'match_confidence'
    group by rule_outcomes.ace_opportunity_id

),

lead_reviews as (

    select review_changes.* from review_changes
    where review_changes.review_kind = 'lead'

),

decision_reviews as (

    select review_changes.* from review_changes
    where review_changes.review_kind = 'decision'

),

per_opportunity as (

    select
        coalesce(lead_reviews.ace_opportunity_id, decision_reviews.ace_opportunity_id) as ace_opportunity_id,
        lead_reviews.review_id as lead_review_id,
        lead_reviews.action as lead_action,
        lead_reviews.odoo_lead_id as reviewed_odoo_lead_id,
        lead_reviews.changes as lead_changes,
        coalesce(
            lead_reviews.action = 'choose_lead'
            and lead_reviews.odoo_lead_id is distinct from lead_reviews.machine_odoo_lead_id,
            false
        ) as is_other_lead,
        case
            when lead_reviews.reviewed_at is null or decision_reviews.reviewed_at >= lead_reviews.reviewed_at
                then decision_reviews.review_id
        end as decision_review_id,
        decision_reviews.action as decision_action,
        decision_reviews.changes as decision_changes,
        lead_reviews.reviewer as lead_reviewer,
        lead_reviews.reviewed_at as lead_reviewed_at,
        lead_reviews.reason as lead_reason,
        decision_reviews.reviewer as decision_reviewer,
        decision_reviews.reviewed_at as decision_reviewed_at,
        decision_reviews.reason as decision_reason
    from lead_reviews
    full outer join decision_reviews
        on lead_reviews.ace_opportunity_id = decision_reviews.ace_opportunity_id

),

final as (

    select
        -- ids
        per_opportunity.ace_opportunity_id,
        per_opportunity.lead_review_id,
        per_opportunity.decision_review_id,
        per_opportunity.reviewed_odoo_lead_id,

        -- strings
        case
            when per_opportunity.lead_changes is not null or per_opportunity.decision_changes is not null
                then 'changed_since_review'
            else 'reviewed'
        end as review_status,
        per_opportunity.lead_action,
        case when per_opportunity.decision_review_id is not null then per_opportunity.decision_action end
            as decision_action,
        case
            when per_opportunity.decision_review_id is not null and per_opportunity.decision_action = 'approve'
                then 'approved_by_review'
            when per_opportunity.decision_review_id is not null then 'rejected_by_review'
            when per_opportunity.lead_action = 'no_lead' then 'rejected_by_review'
            when per_opportunity.is_other_lead then 'needs_review'
            when other_rules.has_critical_failure then 'auto_reject'
            when other_rules.has_review then 'needs_review'
            else 'approved_by_review'
        end as reviewed_decision,
        case
            when per_opportunity.decision_review_id is not null then per_opportunity.decision_reviewer
            else per_opportunity.lead_reviewer
        end as reviewed_by,
        case
            when per_opportunity.decision_review_id is not null then per_opportunity.decision_reason
            else per_opportunity.lead_reason
        end as review_reason,
        nullif(concat_ws('; ', per_opportunity.lead_changes, per_opportunity.decision_changes), '') as review_changes,

        -- timestamps
        greatest(per_opportunity.lead_reviewed_at, per_opportunity.decision_reviewed_at) as reviewed_at

    from per_opportunity
    left join other_rules
        on per_opportunity.ace_opportunity_id = other_rules.ace_opportunity_id

)

select * from final
