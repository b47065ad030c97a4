{#- The evidence a review stands on, one row per ACE opportunity: a fingerprint of what, if it changed, makes a
    person's review stale (the opportunity re-registered under other identity or dates, its ownership changed,
    the spend rule's outcome moved). revops/review.py stores it with every review; int_pod_decisions_reviewed
    compares it with the current one and sends the item back to the queue when they differ. -#}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

rule_outcomes as (

    select * from {{ ref('rule_outcomes') }}

),

spend as (

    select
        rule_outcomes.ace_opportunity_id,
        rule_outcomes.outcome
    from rule_outcomes
    where rule_outcomes.rule_id = 'spend_threshold'

),

final as (

    select
        ace_opportunities.ace_opportunity_id,
        jsonb_build_object(
            'created_at', cast(ace_opportunities.created_at at time zone 'UTC' as text),
            'customer_company_name', ace_opportunities.customer_company_name,
            'aws_account_id', ace_opportunities.aws_account_id,
            'opportunity_ownership', ace_opportunities.opportunity_ownership,
            'spend_threshold_outcome', spend.outcome
        ) as evidence
    from ace_opportunities
    left join spend
        on ace_opportunities.ace_opportunity_id = spend.ace_opportunity_id

)

select * from final
