{#- Incremental by row hash. The model computes all its rows, but a run writes only those whose content
    changed, so `row_changed_at` tells exactly which rows a run moved. The hash covers every column: a change
    anywhere upstream (a renamed salesperson, a new stage name) reaches the rows it touches, and a new
    column re-emits every row once. Use it as the model's last statement, after a CTE with a one-column key:

        {{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert',
                  on_schema_change='append_new_columns',
                  post_hook="{{ delete_rows_missing_from(ref('stg_odoo__leads'), 'lead_id') }}") }}
        ...
        {{ select_changed_rows('final', 'lead_id') }}
-#}

{% macro select_changed_rows(relation_name, unique_key) -%}
select
    hashed.*,
    cast('{{ run_started_at }}' as timestamptz) as row_changed_at
from (
    select
        {{ relation_name }}.*,
        md5(cast({{ relation_name }} as text)) as row_hash
    from {{ relation_name }}
) as hashed
{%- if is_incremental() %}
where not exists (
    select from {{ this }} as previous
    where previous.{{ unique_key }} = hashed.{{ unique_key }} and previous.row_hash = hashed.row_hash
)
{%- endif %}
{%- endmacro %}


{% macro delete_rows_missing_from(upstream, unique_key, upstream_key=none) -%}
    {#- Post-hook: rows whose key is gone upstream (a source row deleted, seen by a full extract) leave too. -#}
    delete from {{ this }} as current_rows
    where not exists (
        select from {{ upstream }} as upstream
        where upstream.{{ upstream_key or unique_key }} = current_rows.{{ unique_key }}
    )
{%- endmacro %}


{% macro delete_search_inputs_of_missing_records() -%}
    {#- Post-hook of search_inputs: texts of opportunities gone from core leave too. -#}
    delete from {{ this }} as current_rows
    where not exists (
        select from {{ ref('ace_opportunities') }} as ace_opportunities
        where current_rows.source_system = 'ace' and ace_opportunities.ace_opportunity_id = current_rows.record_id
    )
    and not exists (
        select from {{ ref('odoo_opportunities') }} as odoo_opportunities
        where current_rows.source_system = 'odoo' and cast(odoo_opportunities.lead_id as text) = current_rows.record_id
    )
{%- endmacro %}
