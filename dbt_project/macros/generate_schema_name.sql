{#- Models land in the schema their folder names (staging, core, billing, ...), not <target>_<schema>:
    BI users query stable names such as billing.cost_vs_invoice_monthly. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
