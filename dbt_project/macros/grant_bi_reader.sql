{#- on-run-end: the read-only BI role reads every table and view of the mart schemas (now, and later through
    default privileges) and nothing in any other schema (raw, staging, ops, embeddings, ...). Skipped where the
    role does not exist; revops/warehouse.py:grant_reader does the same when the server starts. -#}
{% macro grant_bi_reader() %}
    {%- set reader = var('bi_reader_role', 'bi_reader') -%}
    {%- set readable = var('bi_reader_schemas', ['core', 'billing', 'pod', 'monitoring', 'review']) -%}
    {%- if execute -%}
        {%- set role_exists = run_query("select 1 from pg_roles where rolname = '" ~ reader ~ "'") -%}
        {%- if role_exists.rows | length > 0 -%}
            {%- set schemas = run_query("select nspname from pg_namespace where nspname !~ '^pg_'
                and nspname not in ('information_schema', 'public') and pg_has_role(nspowner, 'USAGE')") -%}
            {%- for row in schemas.rows -%}
                {%- if row[0] in readable %}
    grant usage on schema "{{ row[0] }}" to "{{ reader }}";
    grant select on all tables in schema "{{ row[0] }}" to "{{ reader }}";
    alter default privileges in schema "{{ row[0] }}" grant select on tables to "{{ reader }}";
                {%- else %}
    revoke all on schema "{{ row[0] }}" from "{{ reader }}";
    revoke all on all tables in schema "{{ row[0] }}" from "{{ reader }}";
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
