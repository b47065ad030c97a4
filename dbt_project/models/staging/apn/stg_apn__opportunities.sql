{%- set source_relation = source('apn', 'opportunity') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as text) as ace_opportunity_id,
        {{ clean_text('partner_crm_unique_identifier') }} as partner_crm_id,
        {{ clean_text('parent_opp_id') }} as parent_ace_opportunity_id,
        {{ clean_text('owner_user_id') }} as owner_apn_user_id,
        {{ integer_or_null('partner_crm_unique_identifier') }} as partner_crm_lead_id,

        -- strings
        cast(opportunity_ownership as text) as opportunity_ownership,
        cast(opportunity_type as text) as opportunity_type,
        {{ ace_review_status('status') }} as review_status,
        {{ clean_text('apn_reviewer_comments') }} as reviewer_comments,
        cast(partner_acceptance_status as text) as partner_acceptance_status,
        {{ clean_text('rejection_reason') }} as rejection_reason,
        cast(stage as text) as ace_stage,
        {{ clean_text('closed_lost_reason') }} as closed_lost_reason,
        {{ clean_text('next_step') }} as next_step,
        {{ clean_text('next_step_history') }} as next_step_history,
        {{ clean_text('aws_stage') }} as aws_stage,
        {{ clean_text('aws_closed_lost_reason') }} as aws_closed_lost_reason,
        {{ unmask('customer_company_name') }} as customer_company_name,
        {{ unmask('customer_website') }} as customer_website,
        {{ unmask('customer_duns') }} as customer_duns,
        {{ normalize_aws_account_id(unmask('aws_account_id')) }} as aws_account_id,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('industry_other') }} as industry_other,
        {{ unmask('street_address') }} as street_address,
        {{ unmask('city') }} as city,
        {{ unmask('state') }} as state,
        {{ unmask('postal_code') }} as postal_code,
        {{ clean_text('country') }} as country,
        upper({{ clean_text('country_code') }}) as country_code,
        {{ clean_text('partner_project_title') }} as project_title,
        {{ clean_text('project_description') }} as project_description,
        {{ clean_text('use_case') }} as use_case,
        {{ clean_text('delivery_model') }} as delivery_models,
        {{ clean_text('expected_revenue_currency') }} as expected_revenue_currency_code,
        {{ clean_text('partner_primary_need_from_aws') }} as primary_needs_from_aws,
        {{ clean_text('sales_activities') }} as sales_activities,
        {{ clean_text('solution_offered') }} as solutions_offered,
        {{ clean_text('other_solution_offered') }} as other_solution_offered,
        {{ clean_text('aws_products') }} as aws_products,
        {{ clean_text('competitive_tracking') }} as competitor,
        {{ clean_text('campaign_name') }} as apn_programs,
        {{ clean_text('aws_sf_campaign_name') }} as aws_sf_campaign_name,
        {{ clean_text('additional_comments') }} as additional_comments,
        {{ clean_text('opportunity_owner_name') }} as owner_name,
        lower({{ clean_text('opportunity_owner_email') }}) as owner_email,
        {{ clean_text('primary_contact_first_name') }} as partner_contact_first_name,
        {{ clean_text('primary_contact_last_name') }} as partner_contact_last_name,
        lower({{ clean_text('primary_contact_email') }}) as partner_contact_email,
        {{ clean_text('aws_account_owner_name') }} as aws_account_owner_name,
        {{ clean_text('aws_account_owner_email') }} as aws_account_owner_email,
        {{ clean_text('aws_sales_rep_name') }} as aws_sales_rep_name,
        {{ clean_text('aws_sales_rep_email') }} as aws_sales_rep_email,
        {{ clean_text('aws_partner_success_manager_name') }} as aws_partner_success_manager_name,
        {{ clean_text('aws_partner_success_manager_email') }} as aws_partner_success_manager_email,
        {{ clean_text('partner_development_manager') }} as partner_development_manager_name,
        {{ clean_text('partner_development_manager_email') }} as partner_development_manager_email,
        {{ clean_text('created_by') }} as created_by,
        {{ clean_text('last_modified_by') }} as updated_by,
        {{ clean_text('aws_account_id') }} as aws_account_id_as_entered,
        {{ normalize_company_name(unmask('customer_company_name')) }} as normalized_company_name,
        {{ web_domain(unmask('customer_website')) }} as website_domain,

        -- numerics
        cast(expected_monthly_aws_revenue as numeric(18, 2)) as expected_monthly_aws_revenue,

        -- booleans
        {{ yes_no_to_boolean('is_opp_from_marketing_activity') }} as is_from_marketing_activity,
        {{ yes_no_to_boolean('is_marketing_development_funded') }} as is_marketing_development_funded,
        {{ yes_no_to_boolean('does_opp_belong_to_nat_sec') }} as is_national_security,
        (
            {{ is_masked_value('customer_company_name') }}
            or {{ is_masked_value('customer_website') }}
            or {{ is_masked_value('customer_duns') }}
            or {{ is_masked_value('aws_account_id') }}
            or {{ is_masked_value('street_address') }}
            or {{ is_masked_value('city') }}
            or {{ is_masked_value('state') }}
            or {{ is_masked_value('postal_code') }}
        ) as is_masked,
        {{ is_partner_referral('opportunity_ownership') }} as is_partner_referral,

        -- dates
        cast(target_close_date as date) as target_close_date,
        cast(aws_close_date as date) as aws_close_date,

        -- timestamps
        {{ utc_timestamp('accept_by', source_columns) }} as accept_by_at,
        {{ utc_timestamp('created_date', source_columns) }} as created_at,
        {{ utc_timestamp('last_modified_date', source_columns) }} as updated_at,
        {{ utc_timestamp('synced_at', source_columns) }} as synced_at

    from {{ source_relation }}

)

select * from renamed
