{%- set confidence = var('match_confidence') -%}

with

ace_opportunities as (

    select * from {{ ref('ace_opportunities') }}

),

odoo_opportunities as (

    select * from {{ ref('odoo_opportunities') }}

),

aws_accounts as (

    select * from {{ ref('aws_accounts') }}

),

-- the ACE account id, expanded: the account itself and, when it is a payer, every linked account it pays for
ace_accounts as (

    select
        ace_opportunities.ace_opportunity_id,
        ace_opportunities.aws_account_id as ace_aws_account_id,
        linked_accounts.odoo_aws_account_id,
        linked_accounts.aws_account_id,
        linked_accounts.customer_id
    from ace_opportunities
    inner join aws_accounts as ace_accounts
        on ace_opportunities.aws_account_id = ace_accounts.aws_account_id
    inner join aws_accounts as linked_accounts
        on
            ace_accounts.odoo_aws_account_id = linked_accounts.odoo_aws_account_id
            or (ace_accounts.is_payer and ace_accounts.odoo_aws_account_id = linked_accounts.payer_odoo_aws_account_id)

),

-- the lead's own account, or any account of the lead's customer
account_matches as (

    select
        ace_accounts.ace_opportunity_id,
        odoo_opportunities.lead_id,
        'aws_account_id' as match_method,
        min(
            case
                when ace_accounts.aws_account_id = ace_accounts.ace_aws_account_id
                    then 'AWS account ' || ace_accounts.aws_account_id
                else 'AWS account ' || ace_accounts.aws_account_id || ' paid by ' || ace_accounts.ace_aws_account_id
            end
        ) as matched_value,
        cast({{ confidence['aws_account_id'] }} as numeric) as confidence
    from ace_accounts
    inner join odoo_opportunities
        on
            ace_accounts.odoo_aws_account_id = odoo_opportunities.odoo_aws_account_id
            or ace_accounts.customer_id = odoo_opportunities.customer_id
    group by ace_accounts.ace_opportunity_id, odoo_opportunities.lead_id

),

typed_ace_id_matches as (

    select distinct
        ace_opportunities.ace_opportunity_id,
        odoo_opportunities.lead_id,
        'typed_ace_id' as match_method,
        'typed ACE id ' || ace_opportunities.ace_opportunity_id as matched_value,
        cast({{ confidence['typed_ace_id'] }} as numeric) as confidence
    from ace_opportunities
    inner join odoo_opportunities
        on
            ace_opportunities.ace_opportunity_id
            = any(string_to_array(odoo_opportunities.typed_ace_opportunity_ids, ','))

),

partner_crm_id_matches as (

    select
        ace_opportunities.ace_opportunity_id,
        odoo_opportunities.lead_id,
        'partner_crm_id' as match_method,
        'partner CRM id ' || ace_opportunities.partner_crm_id as matched_value,
        cast({{ confidence['partner_crm_id'] }} as numeric) as confidence
    from ace_opportunities
    inner join odoo_opportunities
        on ace_opportunities.partner_crm_lead_id = odoo_opportunities.lead_id

),

-- a web domain is a key only when it names one customer: a host shared by many (site builders, social and
-- code-hosting pages, free mail) or a domain on several Odoo customers is evidence of nothing (issue 13)
shared_domains as (

    select odoo_opportunities.web_domain
    from odoo_opportunities
    where odoo_opportunities.web_domain is not null
    group by odoo_opportunities.web_domain
    having count(distinct odoo_opportunities.customer_id) > 1

),

domain_matches as (

    select
        ace_opportunities.ace_opportunity_id,
        odoo_opportunities.lead_id,
        'domain' as match_method,
        'web domain ' || ace_opportunities.web_domain as matched_value,
        cast({{ confidence['domain'] }} as numeric) as confidence
    from ace_opportunities
    inner join odoo_opportunities
        on ace_opportunities.web_domain = odoo_opportunities.web_domain
    where
        not {{ is_shared_web_host('ace_opportunities.web_domain') }}
        and ace_opportunities.web_domain not in (select shared_domains.web_domain from shared_domains)

),

unioned as (

    select * from typed_ace_id_matches
    union all
    select * from partner_crm_id_matches
    union all
    select * from account_matches
    union all
    select * from domain_matches

),

final as (

    select
        unioned.ace_opportunity_id,
        unioned.lead_id,
        unioned.match_method,
        unioned.matched_value,
        unioned.confidence
    from unioned

)

select * from final
