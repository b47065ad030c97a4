-- Matching accuracy of each `revops eval` (monitoring.match_quality).
select
    eval_id,
    evaluated_at,
    model_family,
    pass_threshold,
    predicted,
    true_positive,
    actual,
    match_precision,
    match_recall,
    match_f1,
    no_match_accuracy,
    truth_lead_in_candidates,
    review_threshold,
    auto_match_predicted,
    auto_match_precision,
    auto_match_recall,
    auto_match_f1,
    decisions,
    auto_approved,
    auto_approve_precision,
    automated_share,
    eval_recency
from monitoring.match_quality
order by evaluated_at desc
