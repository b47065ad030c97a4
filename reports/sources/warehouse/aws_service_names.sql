-- Friendly names of AWS service codes (dbt seed billing.aws_service_names: AmazonES -> OpenSearch Service).
select
    service_code,
    service_name,
    service_category
from billing.aws_service_names
order by service_code
