{#- ANALYZE a model just built as a table or incremental table (the project-wide post-hook in dbt_project.yml):
    the next models and tests are planned with its statistics instead of none. -#}
{% macro analyze_table() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
