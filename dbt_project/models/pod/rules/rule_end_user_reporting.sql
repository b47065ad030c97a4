{{ config(tags=['pod_rule']) }}
{#- POD rule 3: end-user reporting completed within N days of the opportunity's creation. Not in the data yet:
    "not_evaluated" by default (mode not_evaluated); mode required reads the ACE end-user records (an unmasked
    end user with a company name, recorded within the window). -#}
{%- set rule = pod_rule('end_user_reporting') -%}
{%- set within_days = rule.get('within_days', 30) -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

end_users as (

    select * from {{ ref('stg_apn__end_users') }}

),

reported as (

    select
        end_users.ace_opportunity_id,
        min(end_users.created_at) as first_reported_at
    from end_users
    where end_users.company_name is not null and not coalesce(end_users.is_masked, false)
    group by end_users.ace_opportunity_id

),

judged as (

    select
        rule_inputs.ace_opportunity_id,
        rule_inputs.created_at,
        reported.first_reported_at,
        extract(day from reported.first_reported_at - rule_inputs.created_at) as days_to_report
    from rule_inputs
    left join reported
        on rule_inputs.ace_opportunity_id = reported.ace_opportunity_id

),

final as (

    select
        judged.ace_opportunity_id,
        'end_user_reporting' as rule_id,
        {%- if rule.get('mode') == 'required' %}
            case
                when judged.first_reported_at is null then {{ pod_missing_outcome('end_user_reporting') }}
                when judged.days_to_report <= {{ within_days }} then 'pass'
                else 'fail'
            end as outcome,
        {%- else %}
            'not_evaluated' as outcome,
        {%- endif %}
        {{ pod_rule_is_critical('end_user_reporting') }} as is_critical,
        jsonb_build_object(
            'mode', '{{ rule.get("mode", "not_evaluated") }}',
            'within_days', {{ within_days }},
            'first_reported_at', judged.first_reported_at,
            'days_to_report', judged.days_to_report
        ) as evidence,
        {%- if rule.get('mode') == 'required' %}
            case
                when judged.first_reported_at is null then 'End-user reporting unknown: no unmasked end-user record for the opportunity.'
                when judged.days_to_report <= {{ within_days }}
                    then 'End user reported ' || judged.days_to_report
                    || ' days after creation, within {{ within_days }} days.'
                else
                    'End user reported ' || judged.days_to_report
                    || ' days after creation, later than {{ within_days }} days.'
            end as explanation
        {%- else %}
            'End-user reporting is not in the data yet: not evaluated.' as explanation
        {%- endif %}
    from judged

)

select * from final
