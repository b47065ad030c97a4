{%- set source_relation = source('apn', 'end_user') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as bigint) as end_user_id,
        {{ clean_text('opportunity_id') }} as ace_opportunity_id,

        -- strings
        {{ unmask('company_name') }} as company_name,
        {{ unmask('website_url') }} as website_url,
        {{ clean_text('industry') }} as industry,
        upper({{ clean_text('country_code') }}) as country_code,
        {{ unmask('first_name') }} as first_name,
        {{ unmask('last_name') }} as last_name,
        lower({{ unmask('email') }}) as email,
        {{ unmask('phone') }} as phone,
        {{ unmask('business_title') }} as business_title,
        {{ web_domain(unmask('website_url')) }} as website_domain,
        {{ company_email_domain(unmask('email')) }} as email_domain,

        -- numerics
        cast(contact_sequence as smallint) as contact_sequence,

        -- booleans
        (
            coalesce(cast(is_masked as boolean), false)
            or {{ is_masked_value('company_name') }}
            or {{ is_masked_value('website_url') }}
            or {{ is_masked_value('first_name') }}
            or {{ is_masked_value('last_name') }}
            or {{ is_masked_value('email') }}
            or {{ is_masked_value('phone') }}
            or {{ is_masked_value('business_title') }}
        ) as is_masked,
        coalesce(contact_sequence = 0, false) as is_primary_contact,

        -- timestamps
        {{ utc_timestamp('created_date', source_columns) }} as created_at,
        {{ utc_timestamp('last_modified_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
