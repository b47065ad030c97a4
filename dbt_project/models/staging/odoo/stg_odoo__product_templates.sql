{%- set source_relation = source('odoo', 'product_template') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as product_template_id,
        cast(categ_id as integer) as category_id,
        cast(uom_id as integer) as uom_id,
        cast(uom_po_id as integer) as purchase_uom_id,
        cast(company_id as integer) as company_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        {{ translated_text('name') }} as product_name,
        cast(default_code as text) as internal_reference,
        cast(detailed_type as text) as detailed_product_type,
        cast(type as text) as product_type,
        {{ html_to_text(translated_text('description')) }} as description,
        {{ translated_text('description_sale') }} as sales_description,
        cast(invoice_policy as text) as invoice_policy,
        cast(service_type as text) as service_type,
        cast(expense_policy as text) as expense_policy,
        cast(sale_line_warn as text) as sale_line_warning,
        cast(c_aws_service_code as text) as aws_service_code,

        -- numerics
        cast(list_price as numeric) as sales_price,
        cast(sequence as integer) as product_sequence,

        -- booleans
        cast(sale_ok as boolean) as is_sellable,
        cast(purchase_ok as boolean) as is_purchasable,
        cast(active as boolean) as is_active,
        cast(c_is_aws_resale as boolean) as is_aws_resale,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at,

        -- json
        cast(product_properties as jsonb) as product_properties

    from {{ source_relation }}

)

select * from renamed
