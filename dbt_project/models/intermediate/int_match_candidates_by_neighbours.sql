{{ config(
    materialized='table',
    pre_hook="set hnsw.ef_search = {{ var('match_hnsw_ef_search') }}",
) }}
{#- Top-k nearest Odoo leads of every ACE opportunity by identity text and by context text, through the partial
    HNSW indexes of embeddings.dense_vectors (one per source system and kind): never all pairs. -#}
{%- set neighbours = var('match_neighbours_k', 20) -%}
{#- Deterministic top-k: HNSW proposes twice as many as kept, then the exact similarity, rounded to
    match_similarity_decimals (float noise between two builds of the same vectors is ~1e-7), ranks them with
    the lead id breaking ties, so two builds keep the same neighbours in the same order. -#}
{%- set decimals = var('match_similarity_decimals', 4) -%}
{%- set dense_vectors = source('embeddings', 'dense_vectors') -%}

{%- if relation_exists(dense_vectors) %}

    with

    dense_vectors as (

        select * from {{ dense_vectors }}

    ),

    ace_vectors as (

        select
            dense_vectors.record_id as ace_opportunity_id,
            dense_vectors.text_kind,
            dense_vectors.embedding
        from dense_vectors
        where dense_vectors.source_system = 'ace'

    ),

    -- HNSW proposes 2k neighbours; their exact similarity, rounded, decides which k stay
    identity_proposed as (

        select
            ace_vectors.ace_opportunity_id,
            cast(proposed.record_id as integer) as lead_id,
            proposed.similarity
        from ace_vectors
        cross join
            lateral (
                select
                    odoo_vectors.record_id,
                    cast(
                        round(cast(1 - (odoo_vectors.embedding <=> ace_vectors.embedding) as numeric), {{ decimals }})
                        as double precision
                    ) as similarity
                from {{ dense_vectors }} as odoo_vectors
                where odoo_vectors.source_system = 'odoo' and odoo_vectors.text_kind = 'identity'
                order by odoo_vectors.embedding <=> ace_vectors.embedding
                limit {{ neighbours * 2 }}
            ) as proposed
        where ace_vectors.text_kind = 'identity'

    ),

    identity_neighbours as (

        select
            identity_proposed.ace_opportunity_id,
            identity_proposed.lead_id,
            'similar_identity' as match_method,
            identity_proposed.similarity,
            row_number() over (
                partition by identity_proposed.ace_opportunity_id
                order by identity_proposed.similarity desc, identity_proposed.lead_id asc
            ) as neighbour_rank
        from identity_proposed

    ),

    -- HNSW proposes 2k neighbours; their exact similarity, rounded, decides which k stay
    context_proposed as (

        select
            ace_vectors.ace_opportunity_id,
            cast(proposed.record_id as integer) as lead_id,
            proposed.similarity
        from ace_vectors
        cross join
            lateral (
                select
                    odoo_vectors.record_id,
                    cast(
                        round(cast(1 - (odoo_vectors.embedding <=> ace_vectors.embedding) as numeric), {{ decimals }})
                        as double precision
                    ) as similarity
                from {{ dense_vectors }} as odoo_vectors
                where odoo_vectors.source_system = 'odoo' and odoo_vectors.text_kind = 'context'
                order by odoo_vectors.embedding <=> ace_vectors.embedding
                limit {{ neighbours * 2 }}
            ) as proposed
        where ace_vectors.text_kind = 'context'

    ),

    context_neighbours as (

        select
            context_proposed.ace_opportunity_id,
            context_proposed.lead_id,
            'similar_context' as match_method,
            context_proposed.similarity,
            row_number() over (
                partition by context_proposed.ace_opportunity_id
                order by context_proposed.similarity desc, context_proposed.lead_id asc
            ) as neighbour_rank
        from context_proposed

    ),

    final as (

        select * from identity_neighbours
        where neighbour_rank <= {{ neighbours }}
        union all
        select * from context_neighbours
        where neighbour_rank <= {{ neighbours }}

    )

    select * from final

{%- else %}

-- no vectors yet (the embedding step has not run): no neighbours
    select
        cast(null as text) as ace_opportunity_id,
        cast(null as integer) as lead_id,
        cast(null as text) as match_method,
        cast(null as double precision) as similarity,
        cast(null as bigint) as neighbour_rank
    where false

{%- endif %}
