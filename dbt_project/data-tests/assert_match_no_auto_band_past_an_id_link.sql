{{ config(severity='error', tags=['match_invariant']) }}
-- Matching invariant (issue 13): when an explicit id names a lead of an ACE opportunity (the ACE id typed on the
-- lead, or the lead id ACE carries), no other lead of that opportunity is in the automatic band (a copy of the
-- lead, another deal of the same customer): at most review. Returns the offenders.

with

id_linked_opportunities as (

    select distinct matches.ace_opportunity_id
    from {{ ref('matches') }} as matches
    where coalesce(matches.has_typed_ace_id_match or matches.has_partner_crm_id_match, false)

)

select
    matches.ace_opportunity_id,
    matches.odoo_lead_id,
    matches.confidence
from {{ ref('matches') }} as matches
inner join id_linked_opportunities
    on matches.ace_opportunity_id = id_linked_opportunities.ace_opportunity_id
where
    matches.band = 'match'
    and not coalesce(matches.has_typed_ace_id_match or matches.has_partner_crm_id_match, false)
