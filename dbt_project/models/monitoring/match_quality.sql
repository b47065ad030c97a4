{%- set match_eval = source('ops', 'match_eval') -%}
{%- set match_eval_exists = execute and adapter.get_relation(
    database=match_eval.database, schema=match_eval.schema, identifier=match_eval.identifier
) is not none %}
{#- columns added after the first release: a warehouse evaluated by an older version reads them as null #}
{%- set added_columns = ['review_threshold', 'auto_match_predicted', 'auto_match_precision',
    'auto_match_recall', 'auto_match_f1', 'decisions', 'auto_approved', 'auto_approve_right',
    'auto_approve_precision', 'auto_rejected', 'automated_share'] -%}
{%- set present_columns = (adapter.get_columns_in_relation(match_eval) | map(attribute='name') | list)
    if match_eval_exists else [] %}
-- Matching accuracy per `revops eval` run (ops.match_eval); empty until the first evaluation writes the table
with

{% if match_eval_exists %}

    evaluations as (

        select
            match_eval.eval_id,
            match_eval.evaluated_at,
            match_eval.model_family,
            match_eval.pass_threshold,
            match_eval.opportunities_with_candidates,
            match_eval.predicted,
            match_eval.true_positive,
            match_eval.actual,
            match_eval.precision as match_precision,
            match_eval.recall as match_recall,
            match_eval.f1 as match_f1,
            match_eval.no_match_opportunities,
            match_eval.no_match_accuracy,
            {% for column in added_columns %}
                {{ 'match_eval.' ~ column if column in present_columns else 'null as ' ~ column }},
            {% endfor %}
            match_eval.truth_lead_in_candidates
        from {{ match_eval }} as match_eval

    ),

{% else %}

    -- ops.match_eval does not exist yet (no `revops eval` so far): an empty table of the same shape
    evaluations as (

        select
            cast(null as uuid) as eval_id,
            cast(null as timestamptz) as evaluated_at,
            cast(null as text) as model_family,
            cast(null as numeric) as pass_threshold,
            cast(null as integer) as opportunities_with_candidates,
            cast(null as integer) as predicted,
            cast(null as integer) as true_positive,
            cast(null as integer) as actual,
            cast(null as numeric) as match_precision,
            cast(null as numeric) as match_recall,
            cast(null as numeric) as match_f1,
            cast(null as integer) as no_match_opportunities,
            cast(null as numeric) as no_match_accuracy,
            cast(null as numeric) as truth_lead_in_candidates,
            cast(null as numeric) as review_threshold,
            cast(null as integer) as auto_match_predicted,
            cast(null as numeric) as auto_match_precision,
            cast(null as numeric) as auto_match_recall,
            cast(null as numeric) as auto_match_f1,
            cast(null as integer) as decisions,
            cast(null as integer) as auto_approved,
            cast(null as integer) as auto_approve_right,
            cast(null as numeric) as auto_approve_precision,
            cast(null as integer) as auto_rejected,
            cast(null as numeric) as automated_share
        where false

    ),

{% endif %}

final as (

    select
        cast(evaluations.eval_id as text) as eval_id,
        cast(evaluations.evaluated_at as timestamptz) as evaluated_at,
        cast(evaluations.model_family as text) as model_family,
        cast(evaluations.pass_threshold as numeric) as pass_threshold,
        cast(evaluations.opportunities_with_candidates as integer) as opportunities_with_candidates,
        cast(evaluations.predicted as integer) as predicted,
        cast(evaluations.true_positive as integer) as true_positive,
        cast(evaluations.actual as integer) as actual,
        cast(evaluations.match_precision as numeric) as match_precision,
        cast(evaluations.match_recall as numeric) as match_recall,
        cast(evaluations.match_f1 as numeric) as match_f1,
        cast(evaluations.no_match_opportunities as integer) as no_match_opportunities,
        cast(evaluations.no_match_accuracy as numeric) as no_match_accuracy,
        cast(evaluations.truth_lead_in_candidates as numeric) as truth_lead_in_candidates,
        cast(evaluations.review_threshold as numeric) as review_threshold,
        cast(evaluations.auto_match_predicted as integer) as auto_match_predicted,
        cast(evaluations.auto_match_precision as numeric) as auto_match_precision,
        cast(evaluations.auto_match_recall as numeric) as auto_match_recall,
        cast(evaluations.auto_match_f1 as numeric) as auto_match_f1,
        cast(evaluations.decisions as integer) as decisions,
        cast(evaluations.auto_approved as integer) as auto_approved,
        cast(evaluations.auto_approve_right as integer) as auto_approve_right,
        cast(evaluations.auto_approve_precision as numeric) as auto_approve_precision,
        cast(evaluations.auto_rejected as integer) as auto_rejected,
        cast(evaluations.automated_share as numeric) as automated_share,
        cast(row_number() over (order by evaluations.evaluated_at desc) as integer) as eval_recency
    from evaluations

)

select * from final
