-- One row per ACE opportunity for the POD review page, pre-joined (dbt model monitoring.pod_review_list).
select *
from monitoring.pod_review_list
order by ace_opportunity_id
