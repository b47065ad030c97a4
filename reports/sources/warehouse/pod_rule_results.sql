-- Each rule's outcome per ACE opportunity without its evidence and explanation (pod.rule_outcomes): the POD review
-- page counts outcomes of a selection in the browser, and this parquet file is a fraction of pod_rule_outcomes'
select
    ace_opportunity_id,
    rule_id,
    rule_order,
    outcome,
    is_critical
from pod.rule_outcomes
order by ace_opportunity_id, rule_order
