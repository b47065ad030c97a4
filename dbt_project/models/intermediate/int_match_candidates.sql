{{ config(materialized='table') }}
{#- Candidate pairs ACE opportunity <-> Odoo lead (exact-key blocking plus nearest neighbours), one row per pair,
    with every signal SQL can compute. The matching step adds fuzzy names and ColBERT, then fuses. -#}
{%- set dense_vectors = source('embeddings', 'dense_vectors') -%}
{%- set sparse_vectors = source('embeddings', 'sparse_vectors') -%}
{%- set has_dense = relation_exists(dense_vectors) -%}
{%- set has_sparse = relation_exists(sparse_vectors) -%}
{%- set decimals = var('match_similarity_decimals', 4) -%}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

key_candidates as (

    select * from {{ ref('int_ace_opportunities_matched_by_keys') }}

),

neighbour_candidates as (

    select * from {{ ref('int_match_candidates_by_neighbours') }}

),

{% if has_dense -%}
    dense_vectors as (

        select * from {{ dense_vectors }}

    ),
{%- else -%}
    dense_vectors as (

        select
            cast(null as text) as text_id,
            cast(null as vector) as embedding
        where false

    ),
{%- endif %}

{% if has_sparse -%}
    sparse_vectors as (

        select * from {{ sparse_vectors }}

    ),
{%- else -%}
    sparse_vectors as (

        select
            cast(null as text) as text_id,
            cast(null as sparsevec) as embedding
        where false

    ),
{%- endif %}

candidate_methods as (

    select
        key_candidates.ace_opportunity_id,
        key_candidates.lead_id,
        key_candidates.match_method,
        key_candidates.matched_value
    from key_candidates

    union all

    select
        neighbour_candidates.ace_opportunity_id,
        neighbour_candidates.lead_id,
        neighbour_candidates.match_method,
        null as matched_value
    from neighbour_candidates

),

pairs as (

    select
        candidate_methods.ace_opportunity_id,
        candidate_methods.lead_id,
        bool_or(candidate_methods.match_method = 'aws_account_id') as has_account_id_match,
        bool_or(candidate_methods.match_method = 'domain') as has_domain_match,
        bool_or(candidate_methods.match_method = 'typed_ace_id') as has_typed_ace_id_match,
        bool_or(candidate_methods.match_method = 'partner_crm_id') as has_partner_crm_id_match,
        string_agg(distinct candidate_methods.match_method, ',') as candidate_sources,
        string_agg(distinct candidate_methods.matched_value, '; ') as key_evidence
    from candidate_methods
    group by candidate_methods.ace_opportunity_id, candidate_methods.lead_id

),

final as (

    select
        -- ids
        pairs.ace_opportunity_id,
        pairs.lead_id as odoo_lead_id,
        -- a renewal or expansion registered again names its first registration: usually the same Odoo deal
        ace_opportunities.parent_ace_opportunity_id,
        -- strings
        pairs.candidate_sources,
        pairs.key_evidence,
        ace_opportunities.customer_company_name as ace_company_name,
        ace_opportunities.end_user_company_name as ace_end_user_company_name,
        odoo_opportunities.customer_name as odoo_customer_name,
        odoo_opportunities.typed_company_name as odoo_typed_company_name,
        odoo_opportunities.aws_account_name as odoo_aws_account_name,
        ace_opportunities.project_title as ace_project_title,
        odoo_opportunities.lead_name as odoo_lead_name,
        -- booleans: exact keys
        pairs.has_account_id_match,
        pairs.has_domain_match,
        pairs.has_typed_ace_id_match,
        pairs.has_partner_crm_id_match,
        -- an AWS referral the partner never accepted (pending or rejected) is rarely worked in Odoo
        ace_opportunities.opportunity_ownership = 'AWS Referral'
        and coalesce(ace_opportunities.partner_acceptance_status, '') != 'Accepted' as is_unaccepted_referral,
        ace_opportunities.opportunity_ownership = '{{ partner_ownership_value() }}'
            as is_partner_referral,
        -- owner agreement: null when either side has no owner
        lower(ace_opportunities.owner_email) = lower(odoo_opportunities.salesperson_login) as has_owner_match,
        -- numerics: embeddings (cosine similarity; sparse = BGE-M3 lexical score of the identity texts)
        -- rounded: two builds of the same vectors differ by float noise (~1e-7), decisions must not
        cast(
            round(cast(1 - (ace_identity.embedding <=> odoo_identity.embedding) as numeric), {{ decimals }})
            as double precision
        ) as identity_similarity,
        cast(
            round(cast(1 - (ace_context.embedding <=> odoo_context.embedding) as numeric), {{ decimals }})
            as double precision
        ) as context_similarity,
        cast(
            round(cast(-(ace_sparse.embedding <#> odoo_sparse.embedding) as numeric), {{ decimals }})
            as double precision
        ) as sparse_similarity,
        -- numerics: dates
        cast(
            round(abs(extract(epoch from ace_opportunities.created_at - odoo_opportunities.created_at)) / 86400)
            as integer
        ) as created_gap_days,
        abs(ace_opportunities.target_close_date - odoo_opportunities.expected_close_date) as close_date_gap_days,
        -- signed (ACE minus Odoo): AWS referrals arrive before the lead exists, partners register after
        cast(
            extract(epoch from ace_opportunities.created_at - odoo_opportunities.created_at) / 86400
            as double precision
        ) as created_lag_days,
        ace_opportunities.target_close_date - odoo_opportunities.expected_close_date as close_date_lag_days,
        -- strings added for issue 13: countries (a namesake abroad) and the Odoo customer (name rarity)
        ace_opportunities.country_code as ace_country_code,
        odoo_opportunities.country_code as odoo_country_code,
        odoo_opportunities.customer_id as odoo_customer_id
    from pairs
    inner join ace_opportunities
        on pairs.ace_opportunity_id = ace_opportunities.ace_opportunity_id
    inner join odoo_opportunities
        on pairs.lead_id = odoo_opportunities.lead_id
    left join dense_vectors as ace_identity
        on ace_identity.text_id = 'ace:' || pairs.ace_opportunity_id || ':identity'
    left join dense_vectors as odoo_identity
        on odoo_identity.text_id = 'odoo:' || pairs.lead_id || ':identity'
    left join dense_vectors as ace_context
        on ace_context.text_id = 'ace:' || pairs.ace_opportunity_id || ':context'
    left join dense_vectors as odoo_context
        on odoo_context.text_id = 'odoo:' || pairs.lead_id || ':context'
    left join sparse_vectors as ace_sparse
        on ace_sparse.text_id = 'ace:' || pairs.ace_opportunity_id || ':identity'
    left join sparse_vectors as odoo_sparse
        on odoo_sparse.text_id = 'odoo:' || pairs.lead_id || ':identity'

)

select * from final
