-- The billing mart must carry every cent of the Cost and Usage rows: its aws_cost total equals the raw CUR
-- total to the cent. Returns a row (fails) when they differ.
with

mart as (

    select coalesce(sum(aws_cost), 0) as aws_cost_total
    from {{ ref('cost_vs_invoice_monthly') }}

),

raw_cur as (

    select coalesce(round(sum(cast(unblended_cost as numeric)), 2), 0) as aws_cost_total
    from {{ source('odoo', 'c_billing_internal_cur') }}

)

select
    mart.aws_cost_total as mart_aws_cost_total,
    raw_cur.aws_cost_total as raw_cur_aws_cost_total
from mart
cross join raw_cur
where mart.aws_cost_total != raw_cur.aws_cost_total
