-- Odoo leads and opportunities, the candidates of the POD review (dbt mart core.odoo_opportunities).
select
    lead_id,
    lead_name,
    customer_name,
    salesperson_name,
    stage_name,
    web_domain,
    aws_account_id,
    expected_revenue,
    expected_close_date,
    created_at
from core.odoo_opportunities
order by lead_id
