{{ config(
    materialized='incremental',
    unique_key='text_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_search_inputs_of_missing_records() }}"
) }}
{%- set max_context_chars = var('search_max_description_chars') -%}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

-- identity: who the customer is (company name, domain, aliases); context: what the project is about
ace_texts as (

    select
        'ace' as source_system,
        ace_opportunities.ace_opportunity_id as record_id,
        'identity' as text_kind,
        concat_ws(
            ' | ',
            ace_opportunities.customer_company_name,
            nullif(ace_opportunities.end_user_company_name, ace_opportunities.customer_company_name),
            ace_opportunities.web_domain
        ) as content  -- noqa: RF04
    from ace_opportunities

    union all

    select
        'ace' as source_system,
        ace_opportunities.ace_opportunity_id as record_id,
        'context' as text_kind,
        concat_ws(
            ' | ',
            ace_opportunities.project_title,
            left(ace_opportunities.project_description, {{ max_context_chars }}),
            ace_opportunities.use_case,
            coalesce(ace_opportunities.industry_other, ace_opportunities.industry)
        ) as content  -- noqa: RF04
    from ace_opportunities

),

odoo_texts as (

    select
        'odoo' as source_system,
        cast(odoo_opportunities.lead_id as text) as record_id,
        'identity' as text_kind,
        concat_ws(
            ' | ',
            odoo_opportunities.customer_name,
            nullif(odoo_opportunities.typed_company_name, odoo_opportunities.customer_name),
            odoo_opportunities.web_domain,
            odoo_opportunities.aws_account_name
        ) as content  -- noqa: RF04
    from odoo_opportunities

    union all

    select
        'odoo' as source_system,
        cast(odoo_opportunities.lead_id as text) as record_id,
        'context' as text_kind,
        concat_ws(
            ' | ',
            odoo_opportunities.lead_name,
            left(odoo_opportunities.description, {{ max_context_chars }})
        ) as content  -- noqa: RF04
    from odoo_opportunities

),

unioned as (

    select * from ace_texts
    union all
    select * from odoo_texts

),

final as (

    select
        cast(unioned.source_system || ':' || unioned.record_id || ':' || unioned.text_kind as text) as text_id,
        cast(unioned.source_system as text) as source_system,
        cast(unioned.record_id as text) as record_id,
        cast(unioned.text_kind as text) as text_kind,
        cast(unioned.content as text) as content,  -- noqa: RF04
        cast(encode(sha256(convert_to(unioned.content, 'UTF8')), 'hex') as text) as content_hash
    from unioned

)

{{ select_changed_rows('final', 'text_id') }}
