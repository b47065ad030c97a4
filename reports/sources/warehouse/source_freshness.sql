-- Last successful load per source system (monitoring.source_freshness).
select
    source_name,
    last_loaded_at,
    successful_loads,
    hours_since_last_load,
    freshness_status
from monitoring.source_freshness
order by source_name
