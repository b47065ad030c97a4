-- Candidate Odoo leads per ACE opportunity with their signals and fused confidence (dbt mart pod.matches).
select
    ace_opportunity_id,
    odoo_lead_id,
    rank,
    confidence,
    band,
    candidate_sources,
    key_evidence,
    has_account_id_match,
    has_domain_match,
    has_typed_ace_id_match,
    name_similarity,
    identity_similarity,
    context_similarity,
    sparse_similarity
from pod.matches
order by ace_opportunity_id, rank
