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


{% macro match_threshold(band) -%}
    {#- POD rule 4's threshold on the fused confidence, band 'pass' or 'review' (rules/pod.yml match_confidence,
        with the tenant's override): the one place the matching band, rule 4, the decisions and their tests
        read it from. null while only compiling without the rules (sqlfluff). -#}
    {%- set value = pod_rule('match_confidence').get(band ~ '_threshold') -%}
    {{ return('null' if value is none else value) }}
{%- endmacro %}


{% macro partner_ownership_value() -%}
    {#- The ACE ownership that makes an opportunity partner originated (rules/pod.yml partner_originated,
        with the tenant's override): read by staging, the matching signal and rule 1. -#}
    {{ return(pod_rule('partner_originated').get('ownership_value', '')) }}
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
    {#- POD rule 4 on the best candidate, decided by the fused confidence: pass at or above the pass threshold,
        review down to the review threshold, else no match. One strong single signal (dense identity similarity,
        fuzzy name, exact domain) below the review threshold gives single_signal_mode: review (default) lifts it
        into review; off ignores it; pass (the seeds' text) gives 'signal_pass', which rule 4 shows as a pass but
        the decision never approves (below the pass threshold). -#}
    {%- set rule = pod_rule('match_confidence') -%}
    {%- set mode = rule.get('single_signal_mode', 'review') -%}
    case
        when {{ confidence }} is null then 'no_match'
        when {{ confidence }} >= {{ match_threshold('pass') }} then 'pass'
        {%- if mode == 'pass' %}
            when {{ pod_single_signal(identity_similarity, name_similarity, has_domain_match) }} then 'signal_pass'
        {%- endif %}
        when {{ confidence }} >= {{ match_threshold('review') }} then 'review'
        {%- if mode == 'review' %}
            when {{ pod_single_signal(identity_similarity, name_similarity, has_domain_match) }} then 'signal_review'
        {%- endif %}
        else 'no_match'
    end
{%- endmacro %}


{% macro pod_single_signal(identity_similarity, name_similarity, has_domain_match) -%}
    {#- True when one of the seeds' single signals is strong on its own (thresholds of rule match_confidence). -#}
    {%- set rule = pod_rule('match_confidence') -%}
    (
        coalesce({{ identity_similarity }} > {{ rule.get('dense_similarity_pass') }}, false)
        or coalesce({{ name_similarity }} > {{ rule.get('name_similarity_pass') }}, false)
        {%- if rule.get('exact_domain_passes', true) %}
            or coalesce({{ has_domain_match }}, false)
        {%- endif %}
    )
{%- endmacro %}


{% macro pod_missing_outcome(rule_id) -%}
    {#- The outcome of a rule whose evidence is missing (setting on_missing_data; review when unset). -#}
    '{{ pod_rule(rule_id).get("on_missing_data", "review") }}'
{%- endmacro %}


{% macro pod_sql_list(values) -%}
    {#- A list of names from the rules as a SQL list of string literals: ('a', 'b'). -#}
    ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}


{% macro pod_review_check(rule_id_expression) -%}
    {#- What a person checks when a rule asks for review (or fails without rejecting), per rule id. -#}
    case {{ rule_id_expression }}
        when 'partner_originated' then 'check the ACE origin (Partner or AWS Referral) against the Odoo lead.'
        when 'spend_threshold'
            then 'check the customer''s AWS accounts in Odoo and their prior-month spend in the Cost Explorer.'
        when 'end_user_reporting' then 'check the end-user reporting of the opportunity in ACE.'
        when 'match_confidence' then 'confirm the Odoo lead, choose another, or mark "no lead".'
        when 'eligibility' then 'check the ACE stage and status in Partner Central.'
        when 'timeline' then 'check the target close date and any other open ACE opportunity of the customer.'
        else 'check the rule''s explanation below.'
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
