-- Stages of every run of the flow, with their timings and row counts
with

stages as (

    select * from {{ source('ops', 'pipeline_run_stages') }}

),

final as (

    select
        cast(stages.run_id as text) || '|' || cast(stages.stage as text) as run_stage_id,
        cast(stages.run_id as text) as run_id,
        cast(stages.stage as text) as stage_name,
        cast(stages.started_at as timestamptz) as started_at,
        cast(stages.finished_at as timestamptz) as finished_at,
        cast(stages.seconds as numeric(10, 2)) as seconds,
        cast(stages.status as text) as stage_status,
        cast(stages.row_count as bigint) as row_count,
        cast(stages.error as text) as error
    from stages

)

select * from final
