{%- set situations = source('ops', 'match_eval_situations') -%}
-- Matching quality per hard situation (issue 13) of the latest evaluation of each labelled set (demo, holdout, ...);
-- empty until an evaluation writes ops.match_eval_situations
with

{% if relation_exists(situations) %}

    evaluations as (

        select
            match_eval_situations.eval_id,
            match_eval_situations.evaluated_at,
            match_eval_situations.truth_set,
            match_eval_situations.situation,
            match_eval_situations.opportunities,
            match_eval_situations.with_lead,
            match_eval_situations.without_lead,
            match_eval_situations.precision,
            match_eval_situations.recall,
            match_eval_situations.f1,
            match_eval_situations.no_match_accuracy,
            match_eval_situations.auto_precision,
            match_eval_situations.auto_recall,
            match_eval_situations.wrong_auto
        from {{ situations }} as match_eval_situations

    ),

{% else %}

    evaluations as (

        select
            cast(null as uuid) as eval_id,
            cast(null as timestamptz) as evaluated_at,
            cast(null as text) as truth_set,
            cast(null as text) as situation,
            cast(null as integer) as opportunities,
            cast(null as integer) as with_lead,
            cast(null as integer) as without_lead,
            cast(null as numeric) as precision,
            cast(null as numeric) as recall,
            cast(null as numeric) as f1,
            cast(null as numeric) as no_match_accuracy,
            cast(null as numeric) as auto_precision,
            cast(null as numeric) as auto_recall,
            cast(null as integer) as wrong_auto
        where false

    ),

{% endif %}

latest as (

    select
        evaluations.truth_set,
        max(evaluations.evaluated_at) as evaluated_at
    from evaluations
    group by evaluations.truth_set

),

final as (

    select
        cast(evaluations.eval_id as text) as eval_id,
        cast(evaluations.evaluated_at as timestamptz) as evaluated_at,
        cast(coalesce(evaluations.truth_set, 'demo') as text) as truth_set,
        cast(evaluations.situation as text) as situation,
        cast(evaluations.opportunities as integer) as opportunities,
        cast(evaluations.with_lead as integer) as with_lead,
        cast(evaluations.without_lead as integer) as without_lead,
        cast(evaluations.precision as numeric) as top1_precision,
        cast(evaluations.recall as numeric) as top1_recall,
        cast(evaluations.f1 as numeric) as top1_f1,
        cast(evaluations.no_match_accuracy as numeric) as no_match_accuracy,
        cast(evaluations.auto_precision as numeric) as auto_precision,
        cast(evaluations.auto_recall as numeric) as auto_recall,
        cast(evaluations.wrong_auto as integer) as wrong_auto
    from evaluations
    inner join latest
        on
            evaluations.truth_set is not distinct from latest.truth_set
            and evaluations.evaluated_at = latest.evaluated_at

)

select * from final
