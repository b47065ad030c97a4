{{ config(tags=['pod_rule']) }}
{#- POD rule 4: the best Odoo lead candidate (pod.matches rank 1) is a match, decided by the calibrated fused
    confidence: pass at or above the pass threshold, review down to the review threshold, below it no match
    (fail). One strong single signal below the review threshold asks for review (single_signal_mode review);
    with single_signal_mode pass (the seeds' text) it passes this rule, but the decision's approval guard still
    holds it for review (below the pass threshold). No candidate at all gives on_missing_data. -#}
{%- set rule = pod_rule('match_confidence') -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

final as (

    select
        rule_inputs.ace_opportunity_id,
        'match_confidence' as rule_id,
        case
            when rule_inputs.candidate_lead_id is null then {{ pod_missing_outcome('match_confidence') }}
            when rule_inputs.match_level in ('pass', 'signal_pass') then 'pass'
            when rule_inputs.match_level in ('review', 'signal_review') then 'review'
            else 'fail'
        end as outcome,
        {{ pod_rule_is_critical('match_confidence') }} as is_critical,
        jsonb_build_object(
            'candidate_lead_id', rule_inputs.candidate_lead_id,
            'confidence', rule_inputs.confidence,
            'pass_threshold', {{ match_threshold('pass') }},
            'review_threshold', {{ match_threshold('review') }},
            'identity_similarity', rule_inputs.identity_similarity,
            'name_similarity', rule_inputs.name_similarity,
            'has_domain_match', rule_inputs.has_domain_match,
            'match_band', rule_inputs.match_band,
            'match_level', rule_inputs.match_level,
            'single_signal_mode', '{{ rule.get("single_signal_mode", "review") }}',
            'key_evidence', rule_inputs.key_evidence,
            -- what the approval guard reads: the fused confidence itself reached the pass threshold
            'is_verified', coalesce(rule_inputs.match_level = 'pass', false)
        ) as evidence,
        case
            when rule_inputs.candidate_lead_id is null
                then 'No Odoo lead candidate found: link the lead, or confirm the opportunity has none.'
            when rule_inputs.match_level = 'pass' and rule_inputs.confidence >= {{ match_threshold('pass') }}
                then
                    'Matched Odoo lead ' || rule_inputs.candidate_lead_id
                    || coalesce(' "' || rule_inputs.candidate_lead_name || '"', '')
                    || ' with confidence ' || round(rule_inputs.confidence, 3)
                    || ' (at least {{ match_threshold("pass") }})'
                    || coalesce(' by ' || rule_inputs.key_evidence, '') || '.'
            when rule_inputs.match_level in ('signal_pass', 'signal_review')
                then
                    'Best Odoo lead ' || rule_inputs.candidate_lead_id
                    || coalesce(' "' || rule_inputs.candidate_lead_name || '"', '')
                    || ' has fused confidence ' || round(rule_inputs.confidence, 3)
                    || case
                        when rule_inputs.match_level = 'signal_pass'
                            then ', below {{ match_threshold("pass") }}'
                        else ', below {{ match_threshold("review") }}'
                    end
                    || ', but one strong signal ('
                    || concat_ws(
                        ', ',
                        case
                            when rule_inputs.identity_similarity > {{ rule.get('dense_similarity_pass') }}
                                then 'dense similarity ' || round(cast(rule_inputs.identity_similarity as numeric), 3)
                        end,
                        case
                            when rule_inputs.name_similarity > {{ rule.get('name_similarity_pass') }}
                                then
                                    'company name similarity ' || round(cast(rule_inputs.name_similarity as numeric), 3)
                        end,
                        case when rule_inputs.has_domain_match then 'exact web domain' end
                    )
                    || case
                        when rule_inputs.match_level = 'signal_pass'
                            then '): passes by single_signal_mode pass; a person confirms the lead before any approval.'
                        else '): a lookalike company is possible, confirm the lead.'
                    end
            when rule_inputs.match_level = 'review'
                then
                    'Best Odoo lead ' || rule_inputs.candidate_lead_id
                    || coalesce(' "' || rule_inputs.candidate_lead_name || '"', '')
                    || ' has confidence ' || round(rule_inputs.confidence, 3)
                    || ', between {{ match_threshold("review") }} and {{ match_threshold("pass") }}: '
                    || 'confirm the match.'
            else
                'No match: the best Odoo lead candidate ' || rule_inputs.candidate_lead_id
                || ' has confidence ' || round(rule_inputs.confidence, 3)
                || ', below {{ match_threshold("review") }}.'
        end as explanation
    from rule_inputs

)

select * from final
