{#- Helpers of the matching models (issue #4). -#}

{% macro relation_exists(relation) -%}
    {#- True when the relation is in the warehouse (false while parsing). Tables written outside dbt (the embedding
        and matching steps) are missing on a fresh warehouse until those steps ran. -#}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {{ return(found is not none) }}
{%- endmacro %}


{% macro match_band(confidence_expression) -%}
    {#- POD rule 4: match at or above its pass threshold, review down to its review threshold, else no match. -#}
    case
        when {{ confidence_expression }} >= {{ match_threshold('pass') }} then 'match'
        when {{ confidence_expression }} >= {{ match_threshold('review') }} then 'review'
        else 'no_match'
    end
{%- endmacro %}
