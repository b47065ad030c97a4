-- Matching quality per hard situation of the latest evaluation of each labelled set (monitoring.match_quality_situations).
select
    truth_set,
    situation,
    evaluated_at,
    opportunities,
    with_lead,
    without_lead,
    top1_precision,
    top1_recall,
    top1_f1,
    no_match_accuracy,
    auto_precision,
    auto_recall,
    wrong_auto
from monitoring.match_quality_situations
order by truth_set, situation
