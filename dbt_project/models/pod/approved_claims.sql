{#- Approved POD claims in the shape a partner submits to AWS, one row per ACE opportunity whose final decision
    (after review) is approved, automatically or by a reviewer: ACE id, customer, the AWS account ids (ACE's and the customer's),
    the matched lead, the evidence of every rule, who decided and when, and whether it was exported already
    (`revops export approved` writes the ones not exported and records them in review.claim_exports). -#}

with

decisions as (

    select * from {{ ref('decisions') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

approved as (

    select
        decisions.*,
        coalesce(odoo_opportunities.customer_id, decisions.customer_id) as claim_customer_id,
        odoo_opportunities.lead_name as final_lead_name
    from decisions
    left join odoo_opportunities
        on decisions.final_odoo_lead_id = odoo_opportunities.lead_id
    where decisions.final_decision in ('auto_approve', 'approved_by_review')

),

-- the AWS account ids of the claim: the one ACE carries, the customer's accounts and the linked accounts of
-- the customer's payer accounts
claim_accounts as (

    select
        approved.ace_opportunity_id,
        ace_opportunities.aws_account_id
    from approved
    inner join ace_opportunities
        on approved.ace_opportunity_id = ace_opportunities.ace_opportunity_id
    union
    select
        approved.ace_opportunity_id,
        aws_accounts.aws_account_id
    from approved
    inner join aws_accounts
        on approved.claim_customer_id = aws_accounts.customer_id
    union
    select
        approved.ace_opportunity_id,
        linked_accounts.aws_account_id
    from approved
    inner join aws_accounts as payers
        on approved.claim_customer_id = payers.customer_id
    inner join aws_accounts as linked_accounts
        on payers.odoo_aws_account_id = linked_accounts.payer_odoo_aws_account_id
    where payers.is_payer

),

customer_accounts as (

    select
        claim_accounts.ace_opportunity_id,
        string_agg(claim_accounts.aws_account_id, ' ' order by claim_accounts.aws_account_id) as aws_account_ids
    from claim_accounts
    where claim_accounts.aws_account_id is not null
    group by claim_accounts.ace_opportunity_id

),

rule_evidence as (

    select
        approved.ace_opportunity_id,
        jsonb_object_agg(
            rules.key,
            jsonb_build_object(
                'outcome', rules.value -> 'outcome',
                'evidence', rules.value -> 'evidence',
                'explanation', rules.value -> 'explanation'
            )
        ) as rule_evidence
    from approved
    cross join lateral jsonb_each(approved.rule_outcomes) as rules
    group by approved.ace_opportunity_id

),

final as (

    select
        -- ids
        approved.ace_opportunity_id,
        approved.final_odoo_lead_id as odoo_lead_id,
        approved.claim_customer_id as customer_id,

        -- strings
        approved.customer_company_name,
        approved.opportunity_title,
        customer_accounts.aws_account_ids,
        approved.final_lead_name as odoo_lead_name,
        approved.final_decision,
        approved.final_decided_by as decided_by,
        approved.review_reason,
        approved.tenant,
        approved.rule_set_version,

        -- numerics
        approved.confidence,

        -- json
        coalesce(rule_evidence.rule_evidence, cast('{}' as jsonb)) as rule_evidence,

        -- booleans
        approved.claim_exported_at is not null as is_exported,

        -- dates
        approved.target_close_date,

        -- timestamps
        case
            when approved.final_decision = 'approved_by_review' then approved.reviewed_at else approved.decided_at
        end as decided_at,
        approved.claim_exported_at as exported_at

    from approved
    left join customer_accounts
        on approved.ace_opportunity_id = customer_accounts.ace_opportunity_id
    left join rule_evidence
        on approved.ace_opportunity_id = rule_evidence.ace_opportunity_id

)

select * from final
