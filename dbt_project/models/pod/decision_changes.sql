{{ config(materialized='view') }}
{#- Every change of a POD decision, from the snapshot pod.decision_history: one row per new version of an ACE
    opportunity's decision (the first one too), with the previous version beside it and the rules whose outcome
    changed. "What changed since last week and why":
        select * from pod.decision_changes
        where changed_at >= now() - interval '7 days' and change_kind = 'changed'
        order by changed_at desc -#}

with

history as (

    select * from {{ ref('decision_history') }}

),

versions as (

    select
        history.*,
        lag(history.decision) over by_opportunity as previous_decision,
        lag(history.odoo_lead_id) over by_opportunity as previous_odoo_lead_id,
        lag(history.reasons) over by_opportunity as previous_reasons,
        lag(history.rule_outcomes) over by_opportunity as previous_rule_outcomes,
        lag(history.rule_set_version) over by_opportunity as previous_rule_set_version,
        lag(history.dbt_valid_from) over by_opportunity as previous_valid_from,
        lag(history.final_decision) over by_opportunity as previous_final_decision,
        lag(history.final_odoo_lead_id) over by_opportunity as previous_final_odoo_lead_id,
        lag(history.review_status) over by_opportunity as previous_review_status,
        count(*) over by_opportunity as version_number
    from history
    window by_opportunity as (partition by history.ace_opportunity_id order by history.dbt_valid_from)

),

-- the rules of a version and of the one before it
version_rules as (

    select
        versions.ace_opportunity_id,
        versions.dbt_valid_from,
        jsonb_object_keys(versions.rule_outcomes) as rule_id
    from versions
    where versions.version_number > 1
    union
    select
        versions.ace_opportunity_id,
        versions.dbt_valid_from,
        jsonb_object_keys(versions.previous_rule_outcomes) as rule_id
    from versions
    where versions.version_number > 1

),

changed_rules as (

    select
        versions.ace_opportunity_id,
        versions.dbt_valid_from,
        string_agg(
            version_rules.rule_id || ' '
            || coalesce(versions.previous_rule_outcomes -> version_rules.rule_id ->> 'outcome', 'none')
            || ' -> ' || coalesce(versions.rule_outcomes -> version_rules.rule_id ->> 'outcome', 'none'),
            ', ' order by version_rules.rule_id
        ) as changed_rules
    from versions
    inner join version_rules
        on
            versions.ace_opportunity_id = version_rules.ace_opportunity_id
            and versions.dbt_valid_from = version_rules.dbt_valid_from
    where
        (versions.previous_rule_outcomes -> version_rules.rule_id ->> 'outcome')
        is distinct from (versions.rule_outcomes -> version_rules.rule_id ->> 'outcome')
    group by versions.ace_opportunity_id, versions.dbt_valid_from

),

final as (

    select
        versions.ace_opportunity_id,
        versions.dbt_valid_from as changed_at,
        case when versions.version_number = 1 then 'new' else 'changed' end as change_kind,
        versions.previous_decision,
        versions.decision,
        versions.previous_odoo_lead_id,
        versions.odoo_lead_id,
        changed_rules.changed_rules,
        versions.previous_reasons,
        versions.reasons,
        versions.previous_rule_set_version,
        versions.rule_set_version,
        versions.tenant,
        versions.as_of_date,
        versions.previous_valid_from,
        versions.dbt_valid_to is null as is_current,
        versions.previous_final_decision,
        versions.final_decision,
        versions.previous_final_odoo_lead_id,
        versions.final_odoo_lead_id,
        versions.previous_review_status,
        versions.review_status,
        versions.reviewed_by,
        versions.review_reason,
        versions.review_changes
    from versions
    left join changed_rules
        on
            versions.ace_opportunity_id = changed_rules.ace_opportunity_id
            and versions.dbt_valid_from = changed_rules.dbt_valid_from

)

select * from final
