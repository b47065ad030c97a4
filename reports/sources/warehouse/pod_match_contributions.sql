-- Log-odds contribution of each signal (and the prior) to each candidate's confidence, one row per term
-- (pod.matches.contributions unnested for the waterfall).
select
    matches.ace_opportunity_id,
    matches.odoo_lead_id,
    matches.rank,
    contribution.key as signal,
    cast(contribution.value as double precision) as contribution
from pod.matches as matches
cross join lateral jsonb_each_text(matches.contributions) as contribution
order by matches.ace_opportunity_id, matches.rank, contribution.key
