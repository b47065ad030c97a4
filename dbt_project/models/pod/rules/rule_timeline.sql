{{ config(tags=['pod_rule']) }}
{#- POD rule 5: the ACE target close date lies within N days after the as-of date (0 to N inclusive); another
    open ACE opportunity of the same (matched) customer gives the configured outcome (review); no target close
    date gives on_missing_data (review). -#}
{%- set rule = pod_rule('timeline') -%}
{%- set within_days = rule.get('close_within_days', 90) -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

competing as (

    select
        rule_inputs.ace_opportunity_id,
        count(other_opportunities.ace_opportunity_id) as competing_count,
        min(other_opportunities.ace_opportunity_id) as first_competing_id
    from rule_inputs
    inner join rule_inputs as other_opportunities
        on
            rule_inputs.customer_id = other_opportunities.customer_id
            and rule_inputs.ace_opportunity_id != other_opportunities.ace_opportunity_id
            and other_opportunities.is_open
    group by rule_inputs.ace_opportunity_id

),

judged as (

    select
        rule_inputs.ace_opportunity_id,
        rule_inputs.target_close_date,
        rule_inputs.as_of_date,
        rule_inputs.target_close_date - rule_inputs.as_of_date as days_to_close,
        coalesce(competing.competing_count, 0) as competing_count,
        competing.first_competing_id
    from rule_inputs
    left join competing
        on rule_inputs.ace_opportunity_id = competing.ace_opportunity_id

),

final as (

    select
        judged.ace_opportunity_id,
        'timeline' as rule_id,
        case
            when judged.target_close_date is null then {{ pod_missing_outcome('timeline') }}
            when judged.days_to_close not between 0 and {{ within_days }} then 'fail'
            when judged.competing_count > 0 then '{{ rule.get("on_competing_opportunity", "review") }}'
            else 'pass'
        end as outcome,
        {{ pod_rule_is_critical('timeline') }} as is_critical,
        jsonb_build_object(
            'target_close_date', judged.target_close_date,
            'as_of_date', judged.as_of_date,
            'days_to_close', judged.days_to_close,
            'close_within_days', {{ within_days }},
            'competing_open_opportunities', judged.competing_count,
            'first_competing_ace_opportunity_id', judged.first_competing_id
        ) as evidence,
        case
            when judged.target_close_date is null then 'The ACE opportunity has no target close date.'
            when judged.days_to_close < 0
                then
                    'Target close date ' || judged.target_close_date || ' is ' || -judged.days_to_close
                    || ' days before the as-of date ' || judged.as_of_date || ' (overdue).'
            when judged.days_to_close > {{ within_days }}
                then
                    'Target close date ' || judged.target_close_date || ' is ' || judged.days_to_close
                    || ' days after the as-of date ' || judged.as_of_date || ', beyond {{ within_days }} days.'
            else
                'Target close date ' || judged.target_close_date || ' is ' || judged.days_to_close
                || ' days after the as-of date ' || judged.as_of_date || ', within {{ within_days }} days'
                || case
                    when judged.competing_count > 0
                        then
                            '; the customer has ' || judged.competing_count || ' other open ACE opportunit'
                            || case when judged.competing_count = 1 then 'y' else 'ies' end
                            || ' (e.g. ' || judged.first_competing_id || ').'
                    else '.'
                end
        end as explanation
    from judged

)

select * from final
