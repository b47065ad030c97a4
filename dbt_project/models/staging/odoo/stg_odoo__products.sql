{%- set source_relation = source('odoo', 'product_product') -%}
{%- set source_columns = source_column_types(source_relation) -%}

with

renamed as (

    select
        -- ids
        cast(id as integer) as product_id,
        cast(product_tmpl_id as integer) as product_template_id,
        cast(create_uid as integer) as created_by_user_id,
        cast(write_uid as integer) as updated_by_user_id,

        -- strings
        cast(default_code as text) as internal_reference,
        {{ clean_text('barcode') }} as barcode,
        {{ clean_text('combination_indices') }} as attribute_combination,

        -- numerics
        cast(volume as numeric) as volume,
        cast(weight as numeric) as weight,

        -- booleans
        cast(active as boolean) as is_active,

        -- timestamps
        {{ utc_timestamp('create_date', source_columns) }} as created_at,
        {{ utc_timestamp('write_date', source_columns) }} as updated_at

    from {{ source_relation }}

)

select * from renamed
