-- Every rule's outcome per ACE opportunity, with its evidence and explanation (dbt model pod.rule_outcomes).
select
    ace_opportunity_id,
    rule_id,
    rule_order,
    outcome,
    is_critical,
    evidence,
    explanation
from pod.rule_outcomes
order by ace_opportunity_id, rule_order
