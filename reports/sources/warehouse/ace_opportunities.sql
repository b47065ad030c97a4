-- ACE opportunity details for the POD review pages (dbt mart core.ace_opportunities).
select
    ace_opportunity_id,
    owner_name,
    owner_email,
    opportunity_ownership,
    opportunity_type,
    review_status,
    ace_stage,
    customer_company_name,
    customer_website,
    aws_account_id,
    project_title,
    use_case,
    industry,
    country,
    expected_monthly_aws_revenue,
    target_close_date,
    created_at
from core.ace_opportunities
order by ace_opportunity_id
