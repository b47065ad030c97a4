{#- What every POD rule reads: one row per ACE opportunity with its best Odoo lead candidate (pod.matches,
    rank 1), the level of that match (rule 4: pass | signal_pass | review | signal_review | no_match, see
    pod_match_level), the customer of the lead when the match is proposed, the ACE lifecycle (stage, review and
    acceptance status) and the as-of date of the run. -#}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

matches as (

    select * from {{ ref('matches') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

best_candidates as (

    select
        matches.*,
        {{ pod_match_level(
            'matches.confidence', 'matches.identity_similarity', 'matches.name_similarity', 'matches.has_domain_match'
        ) }} as match_level
    from matches
    where matches.rank = 1

),

final as (

    select
        -- ids
        ace_opportunities.ace_opportunity_id,
        best_candidates.odoo_lead_id as candidate_lead_id,
        case when best_candidates.match_level != 'no_match' then best_candidates.odoo_lead_id end as odoo_lead_id,
        -- the lead's customer, else the customer of the lead's AWS account (leads without a partner)
        case
            when best_candidates.match_level != 'no_match'
                then coalesce(odoo_opportunities.customer_id, lead_accounts.customer_id)
        end as customer_id,

        -- strings
        ace_opportunities.project_title,
        ace_opportunities.customer_company_name,
        ace_opportunities.opportunity_ownership,
        ace_opportunities.ace_stage,
        ace_opportunities.review_status,
        ace_opportunities.partner_acceptance_status,
        odoo_opportunities.lead_name as candidate_lead_name,
        odoo_opportunities.customer_name as candidate_customer_name,
        odoo_opportunities.origination as lead_origination,
        best_candidates.band as match_band,
        coalesce(best_candidates.match_level, 'no_match') as match_level,
        case
            when best_candidates.match_level = 'no_match' or best_candidates.match_level is null then 'none'
            when best_candidates.has_typed_ace_id_match then 'typed_ace_id'
            when best_candidates.has_partner_crm_id_match then 'partner_crm_id'
            when best_candidates.has_account_id_match then 'aws_account_id'
            when best_candidates.has_domain_match then 'domain'
            else 'similarity'
        end as match_method,
        best_candidates.key_evidence,

        -- numerics
        best_candidates.confidence,
        best_candidates.identity_similarity,
        best_candidates.name_similarity,

        -- booleans
        coalesce(best_candidates.has_domain_match, false) as has_domain_match,
        coalesce(ace_opportunities.ace_stage not in ('Launched', 'Closed Lost'), false) as is_open,

        -- dates
        cast(ace_opportunities.created_at at time zone 'UTC' as date) as created_date,
        ace_opportunities.target_close_date,
        {{ pod_as_of_date() }} as as_of_date,

        -- timestamps
        ace_opportunities.created_at,
        ace_opportunities.accept_by_at

    from ace_opportunities
    left join best_candidates
        on ace_opportunities.ace_opportunity_id = best_candidates.ace_opportunity_id
    left join odoo_opportunities
        on best_candidates.odoo_lead_id = odoo_opportunities.lead_id
    left join aws_accounts as lead_accounts
        on odoo_opportunities.odoo_aws_account_id = lead_accounts.odoo_aws_account_id

)

select * from final
