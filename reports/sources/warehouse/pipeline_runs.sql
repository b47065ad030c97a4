-- Runs of the flow (monitoring.pipeline_runs).
select
    run_id,
    started_at,
    finished_at,
    run_status,
    is_full_refresh,
    duration_seconds,
    stage_count,
    stages_succeeded,
    failed_stage,
    rows_processed,
    error,
    run_recency
from monitoring.pipeline_runs
order by started_at desc
