{#- Malformed-looking source rows, one row per row and check, each with a sentence a data steward can act on.
    Reads staging/core only: the raw rows stay as landed and the pipeline keeps using them as described. -#}
{%- set as_of_date = pod_as_of_date() -%}
{#- search.search_inputs keeps this many characters of a description for matching -#}
{%- set matched_description_chars = var('search_max_description_chars') -%}
{%- set matched_description_chars_text = '{:,}'.format(matched_description_chars) -%}
{%- set plausible_years_ahead = 5 -%}
{#- landed tables that carry `_quarantine` (extract: numbers Arrow cannot represent land as NULL, their text there) -#}
{%- set quarantined_tables = [] -%}
{%- if execute -%}
    {%- set landed_sources = (graph.get('sources') or {}).values() | sort(attribute='unique_id') -%}
    {%- for node in landed_sources if node.source_name in ('odoo', 'apn') -%}
        {%- set relation = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.identifier
        ) -%}
        {%- if relation is not none and '_quarantine' in source_column_types(relation) -%}
            {%- do quarantined_tables.append((node.source_name, node.name, relation)) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

leads as (

    select * from {{ ref('odoo_opportunities') }}

),

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

customers as (

    select * from {{ ref('customers') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

aws_cost_usage as (

    select * from {{ ref('stg_odoo__aws_cost_usage') }}

),

-- Odoo requires a lead title; an empty one came in by import or SQL
lead_missing_name as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(leads.lead_id as text) as source_row_id,
        'missing_name' as check_name,
        'error' as severity,
        'name' as field_name,
        cast(null as text) as field_value,
        'Lead ' || leads.lead_id || ' has no title: the POD review lists it unnamed and matching compares only its'
        || ' company, website and description; give the lead a title in Odoo.' as explanation
    from leads
    where leads.lead_name is null

),

-- the lead points at a customer but its company name field is empty (Odoo normally fills it from the customer)
lead_missing_company_name as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(leads.lead_id as text) as source_row_id,
        'missing_company_name' as check_name,
        'warning' as severity,
        'partner_name' as field_name,
        cast(null as text) as field_value,
        'Lead ' || leads.lead_id || ' has no company name typed: matching uses the name of its customer "'
        || coalesce(leads.customer_name, 'unnamed') || '" (partner ' || leads.customer_id || ') instead; fill the'
        || ' company name in Odoo if the deal is for another company.' as explanation
    from leads
    where
        leads.typed_company_name is null
        and leads.customer_id is not null

),

-- no customer: matching has only the typed name, and POD falls back to the customer of the lead's AWS account
lead_without_customer as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(leads.lead_id as text) as source_row_id,
        'missing_customer' as check_name,
        case when lead_accounts.customer_id is null then 'error' else 'warning' end as severity,
        'partner_id' as field_name,
        cast(leads.contact_partner_id as text) as field_value,
        'Lead ' || leads.lead_id
        || case
            when leads.typed_company_name is null
                then
                    ' has no customer and no company name: matching can use only its title, website, e-mail and'
                    || ' description'
            else
                ' has no customer, only the typed company name "' || leads.typed_company_name
                || '": matching compares that name but cannot add a customer''s name, website or accounts'
        end
        || case
            when lead_accounts.customer_id is null
                then
                    ', and an ACE opportunity matched to it gets no customer, so the POD spend rule cannot sum'
                    || ' its spend'
            else
                ', and POD takes the customer "' || coalesce(lead_customers.customer_name, '')
                || '" from its AWS account ' || lead_accounts.aws_account_id
        end
        || '; set the customer in Odoo.' as explanation
    from leads
    left join aws_accounts as lead_accounts
        on leads.odoo_aws_account_id = lead_accounts.odoo_aws_account_id
    left join customers as lead_customers
        on lead_accounts.customer_id = lead_customers.customer_id
    where leads.customer_id is null

),

-- ACE without a customer company name (masked AWS referrals are expected to lack it until accepted)
ace_missing_company_name as (

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'missing_company_name' as check_name,
        case when ace_opportunities.end_user_company_name is null then 'error' else 'warning' end as severity,
        'customer_company_name' as field_name,
        cast(null as text) as field_value,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id || ' has no customer company name'
        || case
            when ace_opportunities.end_user_company_name is null
                then ': matching can use only its website, AWS account and project text'
            else ': matching uses the end user company "' || ace_opportunities.end_user_company_name || '" instead'
        end
        || '; fill the customer company in Partner Central.' as explanation
    from ace_opportunities
    where
        ace_opportunities.customer_company_name is null
        and not ace_opportunities.is_masked

),

customer_missing_name as (

    select
        'odoo' as source_system,
        'res_partner' as source_table,
        cast(customers.customer_id as text) as source_row_id,
        'missing_name' as check_name,
        'error' as severity,
        'name' as field_name,
        cast(null as text) as field_value,
        'Customer ' || customers.customer_id || ' has no name: its leads, AWS accounts and invoices show unnamed and'
        || ' matching cannot compare a company name for them; set the name in Odoo.' as explanation
    from customers
    where customers.customer_name is null

),

-- dates of leads and ACE opportunities, one row per date field
dated_fields as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(leads.lead_id as text) as source_row_id,
        'Lead ' || leads.lead_id as record_label,
        'Odoo' as fix_in,
        lead_dates.field_name,
        lead_dates.field_label,
        lead_dates.date_value,
        lead_dates.consequence
    from leads
    cross join
        lateral (
            values
            (
                'date_deadline', 'expected close date', leads.expected_close_date,
                'matching compares it with the ACE target close date as typed, which pushes the true match away'
            ),
            (
                'date_closed', 'closing date', cast(leads.closed_at at time zone 'UTC' as date),
                'it is kept as typed on the lead'
            ),
            (
                'create_date', 'creation date', cast(leads.created_at at time zone 'UTC' as date),
                'matching compares it with the ACE creation date as typed, which pushes the true match away'
            )
        ) as lead_dates (field_name, field_label, date_value, consequence)

    union all

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id as record_label,
        'Partner Central' as fix_in,
        ace_dates.field_name,
        ace_dates.field_label,
        ace_dates.date_value,
        ace_dates.consequence
    from ace_opportunities
    cross join
        lateral (
            values
            (
                'target_close_date', 'target close date', ace_opportunities.target_close_date,
                'the POD timeline rule judges it outside the close window and matching compares it with the lead'
                || ' as typed'
            ),
            (
                'aws_close_date', 'AWS close date', ace_opportunities.aws_close_date,
                'it is kept as typed on the opportunity'
            ),
            (
                'created_date', 'creation date', cast(ace_opportunities.created_at at time zone 'UTC' as date),
                'matching compares it with the lead creation date as typed, which pushes the true match away'
            )
        ) as ace_dates (field_name, field_label, date_value, consequence)

),

implausible_dates as (

    select
        dated_fields.source_system,
        dated_fields.source_table,
        dated_fields.source_row_id,
        'implausible_date' as check_name,
        'error' as severity,
        dated_fields.field_name,
        cast(dated_fields.date_value as text) as field_value,
        dated_fields.record_label || ' has ' || dated_fields.field_label || ' ' || dated_fields.date_value
        || case
            when dated_fields.date_value < date '2000-01-01' then ', before 2000'
            else
                ', more than {{ plausible_years_ahead }} years after the as-of date '
                || {{ as_of_date }}
        end
        || ': ' || dated_fields.consequence || '; correct it in ' || dated_fields.fix_in || '.' as explanation
    from dated_fields
    where
        dated_fields.date_value < date '2000-01-01'
        or dated_fields.date_value > {{ as_of_date }} + interval '{{ plausible_years_ahead }} years'

),

ace_close_before_creation as (

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'close_before_creation' as check_name,
        'warning' as severity,
        'target_close_date' as field_name,
        cast(ace_opportunities.target_close_date as text) as field_value,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id || ' has target close date '
        || ace_opportunities.target_close_date || ', before its creation on '
        || cast(ace_opportunities.created_at at time zone 'UTC' as date)
        || ': the POD timeline rule and matching use the date as typed; correct it in Partner Central.'
            as explanation
    from ace_opportunities
    where
        ace_opportunities.target_close_date < cast(ace_opportunities.created_at at time zone 'UTC' as date)
        -- implausible dates are flagged on their own
        and ace_opportunities.target_close_date >= date '2000-01-01'

),

-- the AWS account id typed on ACE, compared with the same cleaning matching uses (normalize_aws_account_id)
ace_malformed_aws_account_id as (

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'malformed_aws_account_id' as check_name,
        case when ace_opportunities.aws_account_id is null then 'error' else 'warning' end as severity,
        'aws_account_id' as field_name,
        ace_opportunities.aws_account_id_as_entered as field_value,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id || ' has AWS account id "'
        || ace_opportunities.aws_account_id_as_entered || '", not 12 digits'
        || case
            when ace_opportunities.aws_account_id is null
                then ': it is unusable, so matching cannot use the account key'
            else ': matching cleans it to ' || ace_opportunities.aws_account_id
        end
        || '; correct it in Partner Central.' as explanation
    from ace_opportunities
    where
        ace_opportunities.aws_account_id_as_entered !~ '^[0-9]{12}$'
        and ace_opportunities.aws_account_id_as_entered != '{{ var("ace_masked_value") }}'

),

ace_negative_revenue as (

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'negative_amount' as check_name,
        'warning' as severity,
        'expected_monthly_aws_revenue' as field_name,
        cast(trim_scale(ace_opportunities.expected_monthly_aws_revenue) as text) as field_value,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id || ' expects '
        || to_char(ace_opportunities.expected_monthly_aws_revenue, 'FM999,999,999,990.00') || ' '
        || coalesce(ace_opportunities.expected_revenue_currency_code, 'USD')
        || ' of monthly AWS revenue: the POD review shows it as typed; enter a positive amount in Partner Central.'
            as explanation
    from ace_opportunities
    where ace_opportunities.expected_monthly_aws_revenue < 0

),

-- cost rows: credits, refunds and discounts have columns of their own, so negative usage is a correction
cost_rows as (

    select
        aws_cost_usage.*,
        'Cost row ' || aws_cost_usage.aws_cost_usage_id || ' (usage account '
        || coalesce(aws_cost_usage.usage_aws_account_id, 'unknown') || ', '
        || coalesce(aws_cost_usage.service_code, 'no service') || ', '
        || coalesce(to_char(aws_cost_usage.billing_month, 'YYYY-MM'), 'no month') || ')' as record_label
    from aws_cost_usage

),

negative_usage_cost as (

    select
        'odoo' as source_system,
        'c_billing_internal_cur' as source_table,
        cast(cost_rows.aws_cost_usage_id as text) as source_row_id,
        'negative_cost' as check_name,
        'warning' as severity,
        'usage_cost' as field_name,
        cast(trim_scale(cost_rows.usage_cost) as text) as field_value,
        cost_rows.record_label || ' has negative usage cost '
        || to_char(cost_rows.usage_cost, 'FM999,999,999,990.00') || ' ' || coalesce(cost_rows.currency_code, '')
        || ' although credits, refunds and discounts have their own columns: billing and the POD spend rule sum it'
        || ' as is; check the Cost and Usage import.' as explanation
    from cost_rows
    where cost_rows.usage_cost < 0

),

-- a number no Arrow decimal can carry (NaN, infinity, 1e20 or more, more than 18 decimals): landed as NULL
unrepresentable_numbers as (

    {% for source_system, source_table, relation in quarantined_tables -%}
    select
        '{{ source_system }}' as source_system,
        '{{ source_table }}' as source_table,
        cast(landed.id as text) as source_row_id,
        'unrepresentable_number' as check_name,
        'error' as severity,
        quarantined.key as field_name,
        quarantined.value as field_value,
        'Row ' || landed.id || ' of {{ source_system }} table {{ source_table }} has ' || quarantined.key || ' = '
        || quarantined.value || ', which is not a finite number with fewer than 20 digits before and at most 18'
        || ' after the decimal point: it was landed with ' || quarantined.key || ' empty, so every sum leaves it out;'
        || ' correct the value in {{ source_system }}.' as explanation
    from {{ relation }} as landed
    cross join lateral jsonb_each_text(cast(landed._quarantine as jsonb)) as quarantined
    where landed._quarantine is not null
    union all
    {% endfor -%}
    select
        cast(null as text) as source_system,
        cast(null as text) as source_table,
        cast(null as text) as source_row_id,
        cast(null as text) as check_name,
        cast(null as text) as severity,
        cast(null as text) as field_name,
        cast(null as text) as field_value,
        cast(null as text) as explanation
    where false

),

unknown_usage_account as (

    select
        'odoo' as source_system,
        'c_billing_internal_cur' as source_table,
        cast(cost_rows.aws_cost_usage_id as text) as source_row_id,
        'unknown_usage_account' as check_name,
        'error' as severity,
        'usage_account_id' as field_name,
        cost_rows.usage_aws_account_id as field_value,
        cost_rows.record_label || ' is for a usage account that is not in c_aws_accounts: its '
        || to_char(cost_rows.unblended_cost, 'FM999,999,999,990.00') || ' ' || coalesce(cost_rows.currency_code, '')
        || ' belong to no customer, count towards no POD spend and show as unbilled usage in billing.findings;'
        || ' add the account in Odoo.' as explanation
    from cost_rows
    left join aws_accounts as resolved_accounts
        on cost_rows.odoo_aws_account_id = resolved_accounts.odoo_aws_account_id
    where
        resolved_accounts.odoo_aws_account_id is null
        and not exists (
            select 1 from aws_accounts
            where aws_accounts.aws_account_id = cost_rows.usage_aws_account_id
        )

),

long_descriptions as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(leads.lead_id as text) as source_row_id,
        'long_description' as check_name,
        'warning' as severity,
        'description' as field_name,
        leads.description as field_value,
        'Lead ' || leads.lead_id || ' has a description of ' || to_char(length(leads.description), 'FM999,999,990')
        || ' characters: matching embeds only the first {{ matched_description_chars_text }}'
        || ' (search.search_inputs) and ignores the rest, which stays in raw and core; put the key facts first or'
        || ' shorten it in Odoo.'
            as explanation
    from leads
    where length(leads.description) > {{ matched_description_chars }}

    union all

    select
        'apn' as source_system,
        'opportunity' as source_table,
        ace_opportunities.ace_opportunity_id as source_row_id,
        'long_description' as check_name,
        'warning' as severity,
        'project_description' as field_name,
        ace_opportunities.project_description as field_value,
        'ACE opportunity ' || ace_opportunities.ace_opportunity_id || ' has a project description of '
        || to_char(length(ace_opportunities.project_description), 'FM999,999,990')
        || ' characters: matching embeds only the first {{ matched_description_chars_text }}'
        || ' (search.search_inputs) and ignores the rest, which stays in raw and core; put the key facts first or'
        || ' shorten it in Partner Central.'
            as explanation
    from ace_opportunities
    where length(ace_opportunities.project_description) > {{ matched_description_chars }}

),

-- leads with the same normalised title ("(copy)" dropped) and the same customer: every one after the first (by id)
lead_titles as (

    select
        leads.lead_id,
        leads.lead_name,
        leads.customer_id,
        {{ normalize_company_name("regexp_replace(leads.lead_name, '\\s*\\(copy\\)\\s*$', '', 'i')") }}
            as normalized_title
    from leads

),

lead_name_groups as (

    select
        lead_titles.lead_id,
        lead_titles.lead_name,
        first_value(lead_titles.lead_id) over duplicates as first_lead_id,
        row_number() over duplicates as position_in_group
    from lead_titles
    where lead_titles.normalized_title is not null
    window duplicates as (
        partition by lead_titles.normalized_title, coalesce(lead_titles.customer_id, -1)
        order by lead_titles.lead_id asc
    )

),

duplicate_leads as (

    select
        'odoo' as source_system,
        'crm_lead' as source_table,
        cast(lead_name_groups.lead_id as text) as source_row_id,
        'possible_duplicate' as check_name,
        'warning' as severity,
        'name' as field_name,
        lead_name_groups.lead_name as field_value,
        'Lead ' || lead_name_groups.lead_id || ' "' || lead_name_groups.lead_name || '" looks like a duplicate of lead '
        || lead_name_groups.first_lead_id || ' (same title and customer): both stay candidates for the same ACE'
        || ' opportunity and compete in matching, which lowers its confidence; merge or archive one in Odoo.'
            as explanation
    from lead_name_groups
    where lead_name_groups.position_in_group > 1

),

-- customer companies with the same normalised name: every one after the first (by id, the order Odoo created them)
customer_name_groups as (

    select
        customers.customer_id,
        customers.customer_name,
        first_value(customers.customer_id) over duplicates as first_customer_id,
        first_value(customers.customer_name) over duplicates as first_customer_name,
        row_number() over duplicates as position_in_group
    from customers
    where
        customers.normalized_customer_name is not null
        and customers.is_company
    window duplicates as (
        partition by customers.normalized_customer_name
        order by customers.customer_id asc
    )

),

duplicate_customers as (

    select
        'odoo' as source_system,
        'res_partner' as source_table,
        cast(customer_name_groups.customer_id as text) as source_row_id,
        'possible_duplicate' as check_name,
        'warning' as severity,
        'name' as field_name,
        customer_name_groups.customer_name as field_value,
        'Customer ' || customer_name_groups.customer_id || ' "' || customer_name_groups.customer_name
        || '" looks like a duplicate of customer ' || customer_name_groups.first_customer_id || ' "'
        || customer_name_groups.first_customer_name || '" (same normalised name): leads, AWS accounts and invoices'
        || ' may be split between the two, understating POD spend and billing per customer; merge them in Odoo if'
        || ' they are the same company.' as explanation
    from customer_name_groups
    where customer_name_groups.position_in_group > 1

),

unioned as (

    select * from lead_missing_name
    union all
    select * from lead_missing_company_name
    union all
    select * from lead_without_customer
    union all
    select * from ace_missing_company_name
    union all
    select * from customer_missing_name
    union all
    select * from implausible_dates
    union all
    select * from ace_close_before_creation
    union all
    select * from ace_malformed_aws_account_id
    union all
    select * from ace_negative_revenue
    union all
    select * from negative_usage_cost
    union all
    select * from unknown_usage_account
    union all
    select * from unrepresentable_numbers
    union all
    select * from long_descriptions
    union all
    select * from duplicate_leads
    union all
    select * from duplicate_customers

),

final as (

    select
        cast(
            unioned.source_system || '|' || unioned.source_table || '|' || unioned.source_row_id || '|'
            || unioned.check_name || '|' || unioned.field_name as text
        ) as issue_id,
        cast(unioned.source_system as text) as source_system,
        cast(unioned.source_table as text) as source_table,
        cast(unioned.source_row_id as text) as source_row_id,
        cast(unioned.check_name as text) as check_name,
        cast(unioned.severity as text) as severity,
        cast(unioned.field_name as text) as field_name,
        cast(
            case
                when length(unioned.field_value) > 200 then left(unioned.field_value, 199) || '…'
                else unioned.field_value
            end as text
        ) as field_value,
        cast(unioned.explanation as text) as explanation,
        cast({{ as_of_date }} as date) as as_of_date
    from unioned

)

select * from final
