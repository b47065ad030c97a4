{{ config(tags=['pod_rule']) }}
{#- POD rule 2: the customer's AWS spend (CUR unblended cost) in the calendar month before the opportunity's
    creation (or before its target close date) is below the threshold, summed over every AWS account of the
    customer and, for a payer of the customer, every linked account it pays for (accounts of other customers
    excepted). Spend that cannot be verified (no customer, no AWS account known for it, a month the Cost and
    Usage data does not cover, no cost row for any of its accounts that month) gives on_missing_data (review):
    "$0.00 across 0 accounts" is missing evidence, never a pass. -#}
{%- set rule = pod_rule('spend_threshold') -%}
{%- set threshold = rule.get('threshold_usd', 5000) -%}
{%- set month_basis = 'target_close_date' if rule.get('spend_month') == 'before_target_close' else 'created_date' -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

cost_usage as (

    select * from {{ ref('stg_odoo__aws_cost_usage') }}

),

subjects as (

    select
        rule_inputs.ace_opportunity_id,
        rule_inputs.customer_id,
        cast(date_trunc('month', rule_inputs.{{ month_basis }}) - interval '1 month' as date) as spend_month
    from rule_inputs

),

customer_accounts as (

    select
        aws_accounts.customer_id,
        aws_accounts.odoo_aws_account_id,
        aws_accounts.aws_account_id
    from aws_accounts
    where aws_accounts.customer_id is not null
    {%- if rule.get('expand_payer', true) %}
        union
        select
            payers.customer_id,
            linked_accounts.odoo_aws_account_id,
            linked_accounts.aws_account_id
        from aws_accounts as payers
        inner join aws_accounts as linked_accounts
            on payers.odoo_aws_account_id = linked_accounts.payer_odoo_aws_account_id
        where
            payers.is_payer
            and payers.customer_id is not null
            and (linked_accounts.customer_id is null or linked_accounts.customer_id = payers.customer_id)
    {%- endif %}

),

-- cost rows resolved to an Odoo account: the resolved account, else the 12-digit usage account id
account_month_costs as (

    select
        coalesce(cost_usage.odoo_aws_account_id, usage_accounts.odoo_aws_account_id) as odoo_aws_account_id,
        cost_usage.billing_month,
        sum(cost_usage.unblended_cost) as unblended_cost
    from cost_usage
    left join aws_accounts as usage_accounts
        on
            cost_usage.odoo_aws_account_id is null
            and cost_usage.usage_aws_account_id = usage_accounts.aws_account_id
    group by
        coalesce(cost_usage.odoo_aws_account_id, usage_accounts.odoo_aws_account_id),
        cost_usage.billing_month

),

coverage as (

    select
        min(cost_usage.billing_month) as first_month,
        max(cost_usage.billing_month) as last_month
    from cost_usage

),

spend as (

    select
        subjects.ace_opportunity_id,
        count(distinct customer_accounts.odoo_aws_account_id) as linked_account_count,
        count(distinct account_month_costs.odoo_aws_account_id) as accounts_with_cost_count,
        coalesce(sum(account_month_costs.unblended_cost), 0) as spend_usd
    from subjects
    inner join customer_accounts
        on subjects.customer_id = customer_accounts.customer_id
    left join account_month_costs
        on
            customer_accounts.odoo_aws_account_id = account_month_costs.odoo_aws_account_id
            and subjects.spend_month = account_month_costs.billing_month
    group by subjects.ace_opportunity_id

),

judged as (

    select
        subjects.ace_opportunity_id,
        subjects.customer_id,
        subjects.spend_month,
        coverage.first_month,
        coverage.last_month,
        coalesce(spend.linked_account_count, 0) as linked_account_count,
        coalesce(spend.accounts_with_cost_count, 0) as accounts_with_cost_count,
        round(coalesce(spend.spend_usd, 0), 2) as spend_usd,
        case
            when subjects.customer_id is null then 'no_customer'
            when subjects.spend_month is null then 'no_month'
            when
                coverage.first_month is null
                or subjects.spend_month not between coverage.first_month and coverage.last_month
                then 'not_covered'
            when coalesce(spend.linked_account_count, 0) = 0 then 'no_accounts'
            when coalesce(spend.accounts_with_cost_count, 0) = 0 then 'no_cost_rows'
        end as missing_reason
    from subjects
    cross join coverage
    left join spend
        on subjects.ace_opportunity_id = spend.ace_opportunity_id

),

final as (

    select
        judged.ace_opportunity_id,
        'spend_threshold' as rule_id,
        case
            when judged.missing_reason is not null then {{ pod_missing_outcome('spend_threshold') }}
            when judged.spend_usd < {{ threshold }} then 'pass'
            else 'fail'
        end as outcome,
        {{ pod_rule_is_critical('spend_threshold') }} as is_critical,
        jsonb_build_object(
            'customer_id', judged.customer_id,
            'spend_month', judged.spend_month,
            'spend_usd', judged.spend_usd,
            'threshold_usd', {{ threshold }},
            'linked_account_count', judged.linked_account_count,
            'accounts_with_cost_count', judged.accounts_with_cost_count,
            'cost_data_first_month', judged.first_month,
            'cost_data_last_month', judged.last_month,
            'missing_reason', judged.missing_reason,
            -- what the approval guard reads: the spend was summed from Cost and Usage rows
            'is_verified', judged.missing_reason is null
        ) as evidence,
        case judged.missing_reason
            when 'no_customer'
                then 'Prior-month AWS spend unknown: no Odoo customer matched, so no linked accounts to sum.'
            when 'no_month'
                then 'Prior-month AWS spend unknown: the opportunity has no {{ month_basis | replace("_", " ") }}.'
            when 'not_covered'
                then
                    'Prior-month AWS spend unknown: the Cost and Usage data has no '
                    || to_char(judged.spend_month, 'YYYY-MM') || ' (it covers '
                    || coalesce(
                        to_char(judged.first_month, 'YYYY-MM') || ' to ' || to_char(judged.last_month, 'YYYY-MM'),
                        'no month'
                    )
                    || ').'
            when 'no_accounts'
                then
                    'Prior-month AWS spend unknown: no AWS account is known for Odoo customer '
                    || judged.customer_id || ' (link its accounts in Odoo).'
            when 'no_cost_rows'
                then
                    'Prior-month AWS spend unknown: none of the ' || judged.linked_account_count
                    || ' AWS account' || case when judged.linked_account_count = 1 then '' else 's' end
                    || ' of Odoo customer ' || judged.customer_id || ' has a Cost and Usage row for '
                    || to_char(judged.spend_month, 'YYYY-MM') || '.'
            else
                'Prior-month AWS spend ' || {{ pod_money('judged.spend_usd') }}
                || ' (' || to_char(judged.spend_month, 'YYYY-MM') || ') across ' || judged.linked_account_count
                || ' linked account' || case when judged.linked_account_count = 1 then '' else 's' end
                || case when judged.spend_usd < {{ threshold }} then ' is below' else ' is not below' end
                || ' the ' || {{ pod_money(threshold) }} || ' threshold.'
        end as explanation
    from judged

)

select * from final
