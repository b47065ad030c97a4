{{ config(severity='error', tags=['match_invariant']) }}
-- Matching invariant (issue 13): a web domain many unrelated companies share (site builders, social and
-- code-hosting pages, free mail) is never a blocking key or a domain match. Returns the offending key pairs.

select
    keys.ace_opportunity_id,
    keys.lead_id,
    ace_opportunities.web_domain
from {{ ref('int_ace_opportunities_matched_by_keys') }} as keys
inner join {{ ref('ace_opportunities') }} as ace_opportunities
    on keys.ace_opportunity_id = ace_opportunities.ace_opportunity_id
where
    keys.match_method = 'domain'
    and {{ is_shared_web_host('ace_opportunities.web_domain') }}
