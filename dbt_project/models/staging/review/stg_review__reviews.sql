{#- Reviews recorded by people (source review.reviews), one row per act, with the kind of review it is:
    lead (which Odoo lead belongs to the opportunity) or decision (approve / reject the POD claim). -#}

with

source as (

    select * from {{ source('review', 'reviews') }}

),

renamed as (

    select
        -- ids
        source.review_id,
        source.ace_opportunity_id,
        source.odoo_lead_id,
        source.machine_odoo_lead_id,

        -- strings
        source.action,
        case when source.action in ('approve', 'reject') then 'decision' else 'lead' end as review_kind,
        source.reason,
        source.reviewer,
        source.entered_via,
        source.machine_decision,

        -- json
        source.evidence,

        -- timestamps
        source.reviewed_at

    from source

)

select * from renamed
