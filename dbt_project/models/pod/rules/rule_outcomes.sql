{#- Every enabled POD rule's outcome per ACE opportunity: the union of the rule models rule_<id> configured in
    rules/pod.yml (var pod_rule_ids), in configuration order. Adding a rule is adding a model and its settings. -#}

with

unioned as (

    {{ pod_union_rule_outcomes() }}

),

final as (

    select
        unioned.ace_opportunity_id,
        unioned.rule_id,
        unioned.rule_order,
        unioned.outcome,
        unioned.is_critical,
        unioned.evidence,
        unioned.explanation
    from unioned

)

select * from final
