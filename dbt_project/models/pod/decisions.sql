{%- set min_confidence = var('auto_approve_min_confidence') -%}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

candidates as (

    select * from {{ ref('int_ace_opportunities_matched_by_keys') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

-- best candidate per ACE opportunity: highest confidence, then the most recent lead
ranked_candidates as (

    select
        candidates.ace_opportunity_id,
        candidates.lead_id,
        candidates.match_method,
        candidates.matched_value,
        candidates.confidence,
        odoo_opportunities.lead_name,
        row_number() over (
            partition by candidates.ace_opportunity_id
            order by
                candidates.confidence desc,
                odoo_opportunities.created_at desc nulls last,
                candidates.lead_id desc
        ) as candidate_rank
    from candidates
    left join odoo_opportunities
        on candidates.lead_id = odoo_opportunities.lead_id

),

candidate_counts as (

    select
        candidates.ace_opportunity_id,
        count(distinct candidates.lead_id) as candidate_lead_count
    from candidates
    group by candidates.ace_opportunity_id

),

best_candidates as (

    select
        ranked_candidates.*,
        candidate_counts.candidate_lead_count
    from ranked_candidates
    inner join candidate_counts
        on ranked_candidates.ace_opportunity_id = candidate_counts.ace_opportunity_id
    where ranked_candidates.candidate_rank = 1

),

decided as (

    select
        ace_opportunities.ace_opportunity_id,
        ace_opportunities.project_title as opportunity_title,
        ace_opportunities.customer_company_name,
        ace_opportunities.opportunity_ownership,
        ace_opportunities.ace_stage,
        ace_opportunities.target_close_date,
        best_candidates.lead_id as odoo_lead_id,
        best_candidates.lead_name as odoo_lead_name,
        best_candidates.matched_value,
        coalesce(best_candidates.candidate_lead_count, 0) as candidate_lead_count,
        coalesce(best_candidates.match_method, 'none') as match_method,
        coalesce(best_candidates.confidence, 0) as confidence,
        coalesce(ace_opportunities.is_partner_referral, false) as is_partner_referral
    from ace_opportunities
    left join best_candidates
        on ace_opportunities.ace_opportunity_id = best_candidates.ace_opportunity_id

),

final as (

    select
        decided.ace_opportunity_id,
        decided.opportunity_title,
        decided.customer_company_name,
        decided.opportunity_ownership,
        decided.ace_stage,
        decided.target_close_date,
        decided.odoo_lead_id,
        decided.odoo_lead_name,
        decided.match_method,
        decided.confidence,
        case
            when not decided.is_partner_referral then 'auto_reject'
            when decided.odoo_lead_id is null or decided.confidence < {{ min_confidence }} then 'needs_review'
            else 'auto_approve'
        end as decision,
        concat_ws(
            ' ',
            case
                when decided.is_partner_referral then 'Partner Referral (partner originated).'
                else
                    coalesce(decided.opportunity_ownership, 'Unknown origin')
                    || ' is not partner originated: not eligible for POD.'
            end,
            case
                when decided.odoo_lead_id is null
                    then 'No Odoo lead shares its typed ACE id, partner CRM id, AWS account id or web domain.'
                else
                    'Matched Odoo lead ' || decided.odoo_lead_id
                    || coalesce(' "' || decided.odoo_lead_name || '"', '')
                    || ' by ' || decided.matched_value
                    || ' (confidence ' || decided.confidence || ')'
                    || case
                        when decided.candidate_lead_count > 1
                            then ' among ' || decided.candidate_lead_count || ' candidate leads.'
                        else '.'
                    end
            end,
            case
                when decided.is_partner_referral and decided.odoo_lead_id is null
                    then 'Needs review: find the lead by hand.'
                when decided.is_partner_referral and decided.confidence < {{ min_confidence }}
                    then 'Needs review: confidence below {{ min_confidence }}.'
            end
        ) as reasons,
        cast('{{ run_started_at }}' as timestamptz) as decided_at
    from decided

)

select * from final
