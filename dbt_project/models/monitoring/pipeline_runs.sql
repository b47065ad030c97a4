-- One row per run of the flow with its stages summed up: status, duration, failing stage, row counts
with

runs as (

    select * from {{ source('ops', 'pipeline_runs') }}

),

stages as (

    select * from {{ source('ops', 'pipeline_run_stages') }}

),

stage_summary as (

    select
        stages.run_id,
        count(*) as stage_count,
        count(*) filter (where stages.status = 'succeeded') as stages_succeeded,
        min(stages.stage) filter (where stages.status = 'failed') as failed_stage,
        string_agg(stages.stage, ', ' order by stages.started_at) as stage_list,
        sum(stages.row_count) as rows_processed
    from stages
    group by stages.run_id

),

final as (

    select
        cast(runs.run_id as text) as run_id,
        cast(runs.started_at as timestamptz) as started_at,
        cast(runs.finished_at as timestamptz) as finished_at,
        cast(runs.status as text) as run_status,
        cast(runs.full_refresh as boolean) as is_full_refresh,
        cast(round(extract(epoch from (coalesce(runs.finished_at, now()) - runs.started_at)), 1) as numeric(12, 1))
            as duration_seconds,
        cast(coalesce(stage_summary.stage_count, 0) as integer) as stage_count,
        cast(coalesce(stage_summary.stages_succeeded, 0) as integer) as stages_succeeded,
        cast(stage_summary.failed_stage as text) as failed_stage,
        cast(stage_summary.stage_list as text) as stage_list,
        cast(stage_summary.rows_processed as bigint) as rows_processed,
        cast(runs.error as text) as error,
        cast(row_number() over (order by runs.started_at desc) as integer) as run_recency
    from runs
    left join stage_summary
        on runs.run_id = stage_summary.run_id

)

select * from final
