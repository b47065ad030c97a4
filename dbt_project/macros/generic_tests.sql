{#- Generic tests written here because `dbt deps` cannot reach the package hub. -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    {#- Fails for every combination of the columns that occurs more than once (nulls compare equal). -#}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{% test expression_is_true(model, expression, where_clause=none, column_name=none) %}
    {#- Fails for every row where the boolean expression is not true. -#}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
    {%- if where_clause %}
        and ({{ where_clause }})
    {%- endif %}
{% endtest %}
