{{ config(severity='error', tags=['match_invariant']) }}
-- Matching invariant (issue 13): context similarity, dates and embeddings alone never carry a pair into the
-- automatic band: a pair in the match band has an exact key (AWS account id, an unshared web domain, a typed ACE
-- id, the partner CRM id) or a similar company name. Returns the offenders.

select
    matches.ace_opportunity_id,
    matches.odoo_lead_id,
    matches.confidence,
    matches.name_similarity
from {{ ref('matches') }} as matches
where
    matches.band = 'match'
    and not coalesce(
        matches.has_account_id_match
        or matches.has_domain_match
        or matches.has_typed_ace_id_match
        or matches.has_partner_crm_id_match,
        false
    )
    and coalesce(matches.name_similarity, 0) < 0.9
