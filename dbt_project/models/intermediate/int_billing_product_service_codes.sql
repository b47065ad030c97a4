-- The AWS service code of each Odoo product (from its template): the service of an invoice or bill line that
-- names none itself.
with

products as (

    select * from {{ ref('stg_odoo__products') }}

),

product_templates as (

    select * from {{ ref('stg_odoo__product_templates') }}

),

final as (

    select
        products.product_id,
        product_templates.aws_service_code
    from products
    inner join product_templates
        on products.product_template_id = product_templates.product_template_id

)

select * from final
