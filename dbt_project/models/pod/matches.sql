{#- Ranked candidate Odoo leads per ACE opportunity with every signal, one fused confidence and its per-signal
    contributions (log-odds), banded by POD rule 4. The matching step (`revops match`) writes the scores; until
    it has run, the confidence falls back to the exact-key confidences (vars match_confidence) and contributions
    stay empty. -#}
{%- set scores_relation = source('matching', 'candidate_scores') -%}
{%- set key_confidence = var('match_confidence') -%}

with

candidates as (

    select * from {{ ref('int_match_candidates') }}

),

{% if relation_exists(scores_relation) -%}
    candidate_scores as (

        select * from {{ scores_relation }}

    ),
{%- else -%}
    candidate_scores as (

        select
            cast(null as text) as ace_opportunity_id,
            cast(null as integer) as odoo_lead_id,
            cast(null as double precision) as name_similarity,
            cast(null as double precision) as colbert_score,
            cast(null as double precision) as title_similarity,
            cast(null as double precision) as confidence,
            cast(null as text) as model_family,
            cast(null as jsonb) as contributions
        where false

    ),
{%- endif %}

scored as (

    select
        candidates.*,
        candidate_scores.name_similarity,
        candidate_scores.colbert_score,
        candidate_scores.title_similarity,
        coalesce(candidate_scores.model_family, 'exact_keys') as model_family,
        coalesce(candidate_scores.contributions, cast('{}' as jsonb)) as contributions,
        coalesce(
            candidate_scores.confidence,
            case
                when candidates.has_typed_ace_id_match then {{ key_confidence['typed_ace_id'] }}
                when candidates.has_partner_crm_id_match then {{ key_confidence['partner_crm_id'] }}
                when candidates.has_account_id_match then {{ key_confidence['aws_account_id'] }}
                when candidates.has_domain_match then {{ key_confidence['domain'] }}
                else 0
            end
        ) as confidence
    from candidates
    left join candidate_scores
        on
            candidates.ace_opportunity_id = candidate_scores.ace_opportunity_id
            and candidates.odoo_lead_id = candidate_scores.odoo_lead_id

),

ranked as (

    select
        scored.*,
        row_number() over (
            partition by scored.ace_opportunity_id
            order by scored.confidence desc, scored.identity_similarity desc nulls last, scored.odoo_lead_id desc
        ) as candidate_rank
    from scored

),

final as (

    select
        -- ids
        cast(ranked.ace_opportunity_id as text) as ace_opportunity_id,
        cast(ranked.odoo_lead_id as integer) as odoo_lead_id,
        cast(ranked.candidate_rank as integer) as rank,  -- noqa: RF04
        -- the decision
        cast(round(cast(ranked.confidence as numeric), 4) as numeric) as confidence,
        cast({{ match_band('ranked.confidence') }} as text) as band,
        -- how the pair was found
        cast(ranked.candidate_sources as text) as candidate_sources,
        cast(ranked.key_evidence as text) as key_evidence,
        -- signals
        cast(ranked.has_account_id_match as boolean) as has_account_id_match,
        cast(ranked.has_domain_match as boolean) as has_domain_match,
        cast(ranked.has_typed_ace_id_match as boolean) as has_typed_ace_id_match,
        cast(ranked.has_partner_crm_id_match as boolean) as has_partner_crm_id_match,
        cast(ranked.name_similarity as double precision) as name_similarity,
        cast(ranked.identity_similarity as double precision) as identity_similarity,
        cast(ranked.context_similarity as double precision) as context_similarity,
        cast(ranked.sparse_similarity as double precision) as sparse_similarity,
        cast(ranked.colbert_score as double precision) as colbert_score,
        cast(ranked.created_gap_days as integer) as created_gap_days,
        cast(ranked.close_date_gap_days as integer) as close_date_gap_days,
        cast(ranked.has_owner_match as boolean) as has_owner_match,
        -- explanation: prior + one log-odds term per signal (sum = logit(confidence))
        cast(ranked.model_family as text) as model_family,
        cast(ranked.contributions as jsonb) as contributions,
        -- signals added after the first contract (appended, so column positions stay stable)
        cast(ranked.title_similarity as double precision) as title_similarity,
        cast(ranked.is_unaccepted_referral as boolean) as is_unaccepted_referral
    from ranked
    where ranked.candidate_rank <= {{ var('match_candidates_kept', 5) }}

)

select * from final
