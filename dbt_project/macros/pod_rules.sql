{#- Helpers of the POD rule models (issue #5). The rule set comes from rules/pod.yml (+ a tenant override) as the
    var `pod_rules`, passed by `revops dbt` / `revops run` (revops/rules.py validates it first). -#}

{% macro pod_rules() -%}
    {%- set rules = var('pod_rules', none) -%}
    {%- if rules is none -%}
        {%- if execute and flags.WHICH in ('build', 'run', 'test', 'snapshot') -%}
            {{ exceptions.raise_compiler_error(
                "POD rule vars are missing: run dbt through `revops dbt ...` (it loads and validates rules/pod.yml)"
            ) }}
        {%- endif -%}
        {#- sqlfluff and other tools that only compile: no values, the SQL still parses -#}
        {{ return({}) }}
    {%- endif -%}
    {{ return(rules) }}
{%- endmacro %}


{% macro pod_rule(rule_id) -%}
    {#- The settings of one rule (a dict), {} when the rule is not configured. -#}
    {{ return(pod_rules().get(rule_id, {})) }}
{%- endmacro %}


{% macro pod_rule_param(rule_id, key) -%}
    {#- A setting of a rule: a built-in key, or for a new rule a key under `params`. -#}
    {%- set rule = pod_rule(rule_id) -%}
    {%- if key in rule -%}
        {{ return(rule[key]) }}
    {%- endif -%}
    {{ return(rule.get('params', {}).get(key)) }}
{%- endmacro %}


{% macro pod_rule_is_critical(rule_id) -%}
    {{ 'true' if pod_rule(rule_id).get('critical', false) else 'false' }}
{%- endmacro %}


{% macro pod_as_of_date() -%}
    {#- The as-of date of the rules: var pod_as_of_date (YYYY-MM-DD), else the run's start date (UTC). -#}
    {%- set as_of = var('pod_as_of_date', none) or run_started_at.strftime('%Y-%m-%d') -%}
    cast('{{ as_of }}' as date)
{%- endmacro %}


{% macro pod_money(amount_expression) -%}
    {#- US dollars for explanations: $3,412.18 -#}
    to_char({{ amount_expression }}, 'FM$999,999,999,990.00')
{%- endmacro %}


{% macro pod_match_level(confidence, identity_similarity, name_similarity, has_domain_match) -%}
    {#- POD rule 4 on the best candidate: pass at or above the pass threshold of the fused confidence, or on one
        strong signal (dense identity similarity above, fuzzy name above, exact domain); review down to the
        review threshold; else no match. -#}
    {%- set rule = pod_rule('match_confidence') -%}
    case
        when {{ confidence }} is null then 'no_match'
        when {{ confidence }} >= {{ rule.get('pass_threshold', 0.85) }} then 'pass'
        when coalesce({{ identity_similarity }} > {{ rule.get('dense_similarity_pass', 0.85) }}, false) then 'pass'
        when coalesce({{ name_similarity }} > {{ rule.get('name_similarity_pass', 0.9) }}, false) then 'pass'
        {%- if rule.get('exact_domain_passes', true) %}
            when coalesce({{ has_domain_match }}, false) then 'pass'
        {%- endif %}
        when {{ confidence }} >= {{ rule.get('review_threshold', 0.7) }} then 'review'
        else 'no_match'
    end
{%- endmacro %}


{% macro pod_enabled_rule_ids() -%}
    {#- Enabled rules in configuration order. Every model tagged `pod_rule` must be configured (rule_<id>). -#}
    {%- set rules = pod_rules() -%}
    {%- set ids = [] -%}
    {%- for rule_id in var('pod_rule_ids', rules.keys() | list) -%}
        {%- if rules[rule_id].get('enabled', true) -%}
            {%- do ids.append(rule_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if execute and rules -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and 'pod_rule' in node.tags
                and node.name[5:] not in rules -%}
                {{ exceptions.raise_compiler_error(
                    "rule model " ~ node.name ~ " has no settings in the POD rules: add rules." ~ node.name[5:]
                    ~ " to rules/pod.yml"
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(ids) }}
{%- endmacro %}


{% macro pod_union_rule_outcomes() -%}
    {#- One row per ACE opportunity and enabled rule: every rule model has the same columns. -#}
    {%- set ids = pod_enabled_rule_ids() -%}
    {%- for rule_id in ids %}
        select
            cast(rule_outcome.ace_opportunity_id as text) as ace_opportunity_id,
            cast(rule_outcome.rule_id as text) as rule_id,
            {{ loop.index }} as rule_order,
            cast(rule_outcome.outcome as text) as outcome,
            cast(rule_outcome.is_critical as boolean) as is_critical,
            cast(rule_outcome.evidence as jsonb) as evidence,
            cast(rule_outcome.explanation as text) as explanation
        from {{ ref('rule_' ~ rule_id) }} as rule_outcome
        {% if not loop.last %}union all{% endif %}
    {%- else %}
        select
            cast(null as text) as ace_opportunity_id,
            cast(null as text) as rule_id,
            0 as rule_order,
            cast(null as text) as outcome,
            cast(null as boolean) as is_critical,
            cast(null as jsonb) as evidence,
            cast(null as text) as explanation
        where false
    {%- endfor %}
{%- endmacro %}
