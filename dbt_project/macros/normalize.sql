{#- Normalisations shared by staging models and matching. Each returns a SQL expression. -#}

{% macro translated_text(column_name, language='en_US') -%}
    {#- Odoo translatable field (jsonb {"en_US": ...}) to text: the language asked for, else any key. -#}
    coalesce(
        ({{ column_name }})::jsonb ->> '{{ language }}',
        (select translation.value from jsonb_each_text(({{ column_name }})::jsonb) as translation order by translation.key limit 1)
    )
{%- endmacro %}


{% macro source_column_types(relation) -%}
    {#- {column name: data type} of a landed table, read at run time ({} while parsing or when it is missing). -#}
    {%- set types = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do types.update({column.name: column.data_type | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(types) }}
{%- endmacro %}


{% macro utc_timestamp(column_name, column_types={}) -%}
    {#- timestamptz in UTC. Odoo stores naive UTC datetimes; dlt may land them naive or as timestamptz.
        Naive (or unknown) columns are read as UTC whatever the session time zone; timestamptz passes through. -#}
    {%- set data_type = column_types.get(column_name, 'timestamp without time zone') -%}
    {%- if 'with time zone' in data_type and 'without' not in data_type -%}
        cast({{ column_name }} as timestamptz)
    {%- else -%}
        ({{ column_name }} at time zone 'UTC')
    {%- endif -%}
{%- endmacro %}


{% macro clean_text(column_name) -%}
    {#- Trimmed text, empty string as null. -#}
    nullif(btrim(cast({{ column_name }} as text)), '')
{%- endmacro %}


{% macro html_to_text(column_name) -%}
    {#- Odoo Html field to plain text: tags and common entities removed, whitespace collapsed. -#}
    nullif(btrim(regexp_replace(
        replace(replace(replace(replace(
            regexp_replace(cast({{ column_name }} as text), '<[^>]*>', ' ', 'g'),
            '&nbsp;', ' '), '&amp;', '&'), '&lt;', '<'), '&gt;', '>'),
        '\s+', ' ', 'g'
    )), '')
{%- endmacro %}


{% macro normalize_aws_account_id(column_name) -%}
    {#- 12-digit AWS account id: digits only, left-padded to 12; null unless 9 to 12 digits remain. -#}
    case
        when length(regexp_replace(cast({{ column_name }} as text), '[^0-9]', '', 'g')) between 9 and 12
            then lpad(regexp_replace(cast({{ column_name }} as text), '[^0-9]', '', 'g'), 12, '0')
    end
{%- endmacro %}


{% macro web_domain(column_name) -%}
    {#- Host name of a URL or e-mail address: lower case, no scheme, user, www., port, path;
        null unless it looks like a domain (at least one dot, no spaces). -#}
    substring(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(lower(btrim(cast({{ column_name }} as text))), '^[a-z][a-z0-9+.-]*://', ''),
                        '[/?#\s].*$', ''),
                    '^.*@', ''),
                '(:[0-9]*)?\.?$', ''),
            '^www[0-9]*\.', '')
        from '^[^.\s@/:]+(?:\.[^.\s@/:]+)+$'
    )
{%- endmacro %}


{% macro is_generic_email_domain(domain_expression) -%}
    ({{ domain_expression }}) in (
        {%- for domain in var('generic_email_domains') %}'{{ domain }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}


{% macro company_email_domain(column_name) -%}
    {#- Domain of an e-mail address, null for free mail providers (gmail.com, ...) that say nothing about the company. -#}
    case
        when cast({{ column_name }} as text) like '%@%'
            and not {{ is_generic_email_domain(web_domain(column_name)) }}
            and {{ web_domain(column_name) }} like '%.%'
            then {{ web_domain(column_name) }}
    end
{%- endmacro %}


{% macro ace_opportunity_ids(column_name) -%}
    {#- Every ACE opportunity id typed in a free-text field, cleaned: upper case, spaces and dashes dropped (also
        inside the id), `ACE` prefix ignored, missing leading O added
        ("ace o1234567", " O123 4567 ", "1234567, O7654321" -> {O1234567, O7654321}). -#}
    array(
        select 'O' || typed_id.parts[1]
        from regexp_matches(
            regexp_replace(upper(coalesce(cast({{ column_name }} as text), '')), '[\s-]+', '', 'g'),
            'O?([0-9]{4,19})',
            'g'
        ) as typed_id (parts)
    )
{%- endmacro %}


{% macro normalize_company_name(column_name) -%}
    {#- Company name for comparison: lower case, accents folded, punctuation dropped, trailing legal suffixes
        (inc, llc, ltd, gmbh, corp, co, sa, ag, bv, plc, ...) removed. -#}
    nullif(btrim(regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    translate(
                        lower(cast({{ column_name }} as text)),
                        'áàâäãåçéèêëíìîïñóòôöõøúùûüýÿ',
                        'aaaaaaceeeeiiiinoooooouuuuyy'
                    ),
                    '[.'']', '', 'g'),
                '&', ' and ', 'g'),
            '[^a-z0-9]+', ' ', 'g'),
        '(\s+(and|{{ var("legal_suffixes") | join("|") }}))+\s*$', ''
    )), '')
{%- endmacro %}


{% macro unmask(column_name) -%}
    {#- ACE masks PII of AWS referrals not yet accepted with 'Accept to View': null it. -#}
    nullif(nullif(btrim(cast({{ column_name }} as text)), ''), '{{ var("ace_masked_value") }}')
{%- endmacro %}


{% macro is_masked_value(column_name) -%}
    coalesce(btrim(cast({{ column_name }} as text)) = '{{ var("ace_masked_value") }}', false)
{%- endmacro %}


{% macro yes_no_to_boolean(column_name) -%}
    {#- ACE Yes/No picklist to boolean (null when empty or anything else). -#}
    case upper(btrim(cast({{ column_name }} as text))) when 'YES' then true when 'NO' then false end
{%- endmacro %}


{% macro integer_or_null(column_name) -%}
    {#- Text holding a plain integer (up to 9 digits) as integer, else null. -#}
    case
        when btrim(cast({{ column_name }} as text)) ~ '^[0-9]{1,9}$'
            then cast(btrim(cast({{ column_name }} as text)) as integer)
    end
{%- endmacro %}


{% macro ace_review_status(column_name) -%}
    {#- ACE review status; the Partner Central API's 'Pending Submission' is the S3 integration's 'Draft'. -#}
    case
        when btrim(cast({{ column_name }} as text)) = 'Pending Submission' then 'Draft'
        else {{ clean_text(column_name) }}
    end
{%- endmacro %}


{% macro is_partner_referral(column_name) -%}
    {#- True when the ACE origin is the partner (rule partner_originated's ownership_value). -#}
    coalesce(btrim(cast({{ column_name }} as text)) = '{{ partner_ownership_value() }}', false)
{%- endmacro %}


{% macro odoo_currency_code(column_name) -%}
    {#- ISO code of an Odoo currency id (res_currency is not contracted: ids mapped by var odoo_currency_codes). -#}
    case cast({{ column_name }} as integer)
        {%- for currency_id, code in var('odoo_currency_codes').items() %}
        when {{ currency_id }} then '{{ code }}'
        {%- endfor %}
    end
{%- endmacro %}
