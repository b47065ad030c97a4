{#- Approved POD claims exported to AWS (source review.claim_exports), one row per ACE opportunity. -#}

with

source as (

    select * from {{ source('review', 'claim_exports') }}

),

renamed as (

    select
        -- ids
        source.export_id,
        source.ace_opportunity_id,
        source.odoo_lead_id,

        -- strings
        source.decision,
        source.exported_by,
        source.file_name,

        -- timestamps
        source.exported_at

    from source

)

select * from renamed
