-- Malformed-looking source rows, one per row and check, with what the pipeline does with them (monitoring.source_row_issues).
select
    issue_id,
    source_system,
    source_table,
    source_row_id,
    check_name,
    severity,
    field_name,
    field_value,
    explanation
from monitoring.source_row_issues
order by source_system, source_table, check_name, source_row_id
