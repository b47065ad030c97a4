{{ config(severity='error', tags=['match_invariant']) }}
-- Matching invariant (issue 13): an exact AWS account id (or typed ACE id, partner CRM id) is strong evidence on
-- its own: when the names disagree next to it, the opportunity goes to review, never to "no match". Returns the
-- opportunities whose best lead is in the no-match band although a kept candidate carries such a key.

with

matches as (

    select * from {{ ref('matches') }}

),

keyed_name_conflicts as (

    select distinct matches.ace_opportunity_id
    from matches
    where
        coalesce(
            matches.has_account_id_match or matches.has_typed_ace_id_match or matches.has_partner_crm_id_match,
            false
        )
        and coalesce(matches.name_similarity, 0) < 0.9

),

final as (

    select
        matches.ace_opportunity_id,
        matches.odoo_lead_id,
        matches.confidence
    from matches
    inner join keyed_name_conflicts
        on matches.ace_opportunity_id = keyed_name_conflicts.ace_opportunity_id
    where
        matches.rank = 1
        and matches.band = 'no_match'

)

select * from final
