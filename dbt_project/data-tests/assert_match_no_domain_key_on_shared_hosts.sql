{{ config(severity='error', tags=['match_invariant']) }}
-- Matching invariant (issue 13): a web domain many unrelated companies share (site builders, social and
-- code-hosting pages, free mail) is never a blocking key or a domain match. Returns the offending key pairs.
-- Reads only the key model (matched_value = 'web domain <domain>'), so it runs with the matching step's build.

with

domain_keys as (

    select
        keys.ace_opportunity_id,
        keys.lead_id,
        substring(keys.matched_value from length('web domain ') + 1) as web_domain
    from {{ ref('int_ace_opportunities_matched_by_keys') }} as keys
    where keys.match_method = 'domain'

)

select * from domain_keys
where {{ is_shared_web_host('domain_keys.web_domain') }}
