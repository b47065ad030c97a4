{{ config(tags=['pod_rule']) }}
{#- POD rule 1: the ACE opportunity is partner originated (opportunity_ownership = Partner Referral). The
    matched lead's Odoo origination is cross-checked: a disagreement is reported, or sent to review. -#}
{%- set rule = pod_rule('partner_originated') -%}
{%- set ownership_value = partner_ownership_value() -%}

with

rule_inputs as (

    select * from {{ ref('rule_inputs') }}

),

checked as (

    select
        rule_inputs.*,
        coalesce(
            rule_inputs.opportunity_ownership = '{{ ownership_value }}', false
        ) as is_partner_originated,
        case
            when rule_inputs.odoo_lead_id is null or rule_inputs.lead_origination is null then null
            else rule_inputs.lead_origination = 'partner_originated'
        end as is_lead_partner_originated
    from rule_inputs

),

judged as (

    select
        checked.*,
        coalesce(checked.is_lead_partner_originated != checked.is_partner_originated, false) as is_disagreement
    from checked

),

final as (

    select
        judged.ace_opportunity_id,
        'partner_originated' as rule_id,
        case
            when judged.opportunity_ownership is null then {{ pod_missing_outcome('partner_originated') }}
            when not judged.is_partner_originated then 'fail'
            {%- if rule.get('on_origination_disagreement') == 'review' %}
                when judged.is_disagreement then 'review'
            {%- endif %}
            else 'pass'
        end as outcome,
        {{ pod_rule_is_critical('partner_originated') }} as is_critical,
        jsonb_build_object(
            'opportunity_ownership', judged.opportunity_ownership,
            'required_ownership', '{{ ownership_value }}',
            'odoo_lead_id', judged.odoo_lead_id,
            'odoo_origination', judged.lead_origination,
            'is_disagreement', judged.is_disagreement
        ) as evidence,
        concat_ws(
            ' ',
            case
                when judged.opportunity_ownership is null
                    then 'ACE ownership unknown: the opportunity carries no origin (Partner or AWS Referral).'
                when judged.is_partner_originated
                    then 'ACE ownership is ' || judged.opportunity_ownership || ' (partner originated).'
                else
                    'ACE ownership is ' || judged.opportunity_ownership
                    || ', not {{ ownership_value }}: not partner originated.'
            end,
            case
                when judged.is_disagreement
                    then
                        'Disagreement: the matched Odoo lead ' || judged.odoo_lead_id || ' says '
                        || judged.lead_origination || '.'
            end
        ) as explanation
    from judged

)

select * from final
