-- Stages of the runs of the flow (monitoring.pipeline_run_stages).
select
    run_id,
    stage_name,
    started_at,
    seconds,
    stage_status,
    row_count
from monitoring.pipeline_run_stages
order by started_at desc
