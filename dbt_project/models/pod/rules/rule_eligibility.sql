{{ config(tags=['pod_rule']) }}
{#- POD rule 6: only ACE opportunities in an eligible stage and lifecycle status can earn POD. The status is the
    review status of a partner referral, or for an AWS referral its acceptance (Accepted, Rejected; Expired once
    accept_by passed unaccepted, else Pending). A stage outside eligible_stages (Closed Lost) or a status in
    ineligible_statuses fails; a status in neither list (not yet approved) asks for review; no stage or no
    status gives on_missing_data. -#}
{%- set rule = pod_rule('eligibility') -%}
{%- set eligible_stages = rule.get('eligible_stages', []) -%}
{%- set eligible_statuses = rule.get('eligible_statuses', []) -%}
{%- set ineligible_statuses = rule.get('ineligible_statuses', []) -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

lifecycles as (

    select
        rule_inputs.ace_opportunity_id,
        rule_inputs.ace_stage,
        case
            when rule_inputs.opportunity_ownership = 'AWS Referral'
                then
                    coalesce(
                        rule_inputs.partner_acceptance_status,
                        case when rule_inputs.accept_by_at < rule_inputs.as_of_date then 'Expired' else 'Pending' end
                    )
            else rule_inputs.review_status
        end as lifecycle_status
    from rule_inputs

),

judged as (

    select
        lifecycles.*,
        {%- if eligible_stages %}
            coalesce(lifecycles.ace_stage in {{ pod_sql_list(eligible_stages) }}, false) as is_stage_eligible,
        {%- else %}
            false as is_stage_eligible,
        {%- endif %}
        {%- if eligible_statuses %}
            coalesce(lifecycles.lifecycle_status in {{ pod_sql_list(eligible_statuses) }}, false)
            as is_status_eligible,
        {%- else %}
            false as is_status_eligible,
        {%- endif %}
        {%- if ineligible_statuses %}
            coalesce(lifecycles.lifecycle_status in {{ pod_sql_list(ineligible_statuses) }}, false)
            as is_status_ineligible
        {%- else %}
            false as is_status_ineligible
        {%- endif %}
    from lifecycles

),

final as (

    select
        judged.ace_opportunity_id,
        'eligibility' as rule_id,
        case
            when judged.ace_stage is not null and not judged.is_stage_eligible then 'fail'
            when judged.is_status_ineligible then 'fail'
            when judged.ace_stage is null or judged.lifecycle_status is null
                then {{ pod_missing_outcome('eligibility') }}
            when not judged.is_status_eligible then 'review'
            else 'pass'
        end as outcome,
        {{ pod_rule_is_critical('eligibility') }} as is_critical,
        jsonb_build_object(
            'ace_stage', judged.ace_stage,
            'lifecycle_status', judged.lifecycle_status,
            'eligible_stages', cast('{{ tojson(eligible_stages) }}' as jsonb),
            'eligible_statuses', cast('{{ tojson(eligible_statuses) }}' as jsonb),
            'ineligible_statuses', cast('{{ tojson(ineligible_statuses) }}' as jsonb),
            -- what the approval guard reads: both stage and status are known and eligible
            'is_eligible', judged.is_stage_eligible and judged.is_status_eligible
        ) as evidence,
        case
            when judged.ace_stage is null then 'ACE stage unknown: the opportunity carries no stage.'
            when not judged.is_stage_eligible
                then 'ACE stage ' || judged.ace_stage || ' cannot earn POD.'
            when judged.is_status_ineligible
                then 'ACE stage ' || judged.ace_stage || ', status ' || judged.lifecycle_status || ': cannot earn POD.'
            when judged.lifecycle_status is null
                then 'ACE status unknown: the opportunity carries no review or acceptance status.'
            when not judged.is_status_eligible
                then
                    'ACE stage ' || judged.ace_stage || ', status ' || judged.lifecycle_status
                    || ': not yet approved, check the status in Partner Central.'
            else 'ACE stage ' || judged.ace_stage || ', status ' || judged.lifecycle_status || ': eligible for POD.'
        end as explanation
    from judged

)

select * from final
