-- Last successful dlt load per source system (schema_name odoo / apn) and how old it is
with

dlt_loads as (

    select * from {{ source('dlt', 'loads') }}

),

pipeline_runs as (

    select * from {{ source('ops', 'pipeline_runs') }}

),

per_source as (

    select
        dlt_loads.schema_name as source_name,
        count(*) filter (where dlt_loads.status = 0) as successful_loads,
        count(*) filter (where dlt_loads.status != 0) as other_loads,
        min(dlt_loads.inserted_at) filter (where dlt_loads.status = 0) as first_loaded_at,
        max(dlt_loads.inserted_at) filter (where dlt_loads.status = 0) as last_loaded_at,
        max(dlt_loads.load_id) filter (where dlt_loads.status = 0) as last_load_id
    from dlt_loads
    group by dlt_loads.schema_name

),

final as (

    select
        cast(per_source.source_name as text) as source_name,
        cast(per_source.last_load_id as text) as last_load_id,
        cast(per_source.first_loaded_at as timestamptz) as first_loaded_at,
        cast(per_source.last_loaded_at as timestamptz) as last_loaded_at,
        cast(per_source.successful_loads as integer) as successful_loads,
        cast(per_source.other_loads as integer) as other_loads,
        cast(round(extract(epoch from (now() - per_source.last_loaded_at)) / 3600.0, 1) as numeric(10, 1))
            as hours_since_last_load,
        cast(
            case
                when per_source.last_loaded_at is null then 'never loaded'
                when per_source.last_loaded_at > now() - interval '36 hours' then 'fresh'
                when per_source.last_loaded_at > now() - interval '7 days' then 'stale'
                else 'outdated'
            end as text
        ) as freshness_status,
        cast((select max(pipeline_runs.started_at) from pipeline_runs) as timestamptz) as checked_at
    from per_source

)

select * from final
