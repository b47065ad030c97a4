-- Decision history: one row per change of an opportunity's decision, lead or rule outcomes (pod.decision_changes).
select
    ace_opportunity_id,
    changed_at,
    change_kind,
    previous_decision,
    decision,
    changed_rules,
    previous_reasons,
    reasons,
    previous_final_decision,
    final_decision,
    previous_review_status,
    review_status,
    reviewed_by,
    review_reason,
    review_changes
from pod.decision_changes
order by changed_at desc, ace_opportunity_id
