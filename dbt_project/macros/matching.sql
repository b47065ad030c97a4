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


{% macro is_shared_web_host(domain_expression) -%}
    {#- Hosts many unrelated companies share (a page per company under one host name; free mail): the same host
        says nothing about who the customer is. Var shared_web_hosts overrides the list; subdomains count too. -#}
    {%- set hosts = var('shared_web_hosts', [
        'sites.google.com', 'google.com', 'facebook.com', 'fb.com', 'instagram.com', 'linkedin.com', 'github.com',
        'gitlab.com', 'bitbucket.org', 'linktr.ee', 'notion.site', 'wix.com', 'wixsite.com', 'weebly.com',
        'wordpress.com', 'blogspot.com', 'business.site', 'godaddysites.com', 'squarespace.com', 'webflow.io',
        'carrd.co', 'about.me', 'x.com', 'twitter.com', 'youtube.com', 'medium.com', 'substack.com',
        'yelp.com', 'crunchbase.com', 'amazonaws.com', 'azurewebsites.net', 'herokuapp.com'
    ]) + var('generic_email_domains', []) -%}
    (
        ({{ domain_expression }}) in ({% for host in hosts %}'{{ host }}'{{ ', ' if not loop.last }}{% endfor %})
        or ({{ domain_expression }}) ~ '\.({% for host in hosts %}{{ host | replace('.', '\\.') }}{{ '|' if not loop.last }}{% endfor %})$'
    )
{%- endmacro %}
