"""The small side of the demo world, built row by row in Python: reference data, users, customers
and contacts, AWS accounts, CRM leads, products. (ACE lives in `ace.py`, billing in `billing.py`.)"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from demo_data import names, situations, vocab
from demo_data.model import (
    ANCHOR, CRM_START, FIRST_CUR_MONTH, Account, Ctx, Customer, add_row, month_add,
)

OUR_COMPANY = "Cirrostrat Cloud Consulting LLC"
OUR_DOMAIN = "cirrostrat-demo.example"  # reserved TLD: never a real host


def jname(en: str, de: str | None = None) -> str:
    value = {"en_US": en}
    if de:
        value["de_DE"] = de
    return json.dumps(value, ensure_ascii=False)


def build_reference(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    countries = ctx.table("odoo", "res_country", cols["res_country"])
    for i, (code, en, de, phone, currency, vat) in enumerate(vocab.COUNTRIES, start=1):
        add_row(countries, id=i, name=jname(en, de), code=code, phone_code=phone, currency_id=currency,
                state_required=code in ("US", "CA", "AU"), zip_required=True, name_position="before",
                vat_label=jname(vat), create_uid=1, create_date=CRM_START, write_uid=1, write_date=CRM_START)
    states = ctx.table("odoo", "res_country_state", cols["res_country_state"])
    for i, (country, code, name) in enumerate(vocab.STATES, start=1):
        add_row(states, id=i, country_id=country_id(country), name=name, code=code,
                create_uid=1, create_date=CRM_START, write_uid=1, write_date=CRM_START)
    teams = ctx.table("odoo", "crm_team", cols["crm_team"])
    for i, name in enumerate(vocab.TEAMS, start=1):
        add_row(teams, id=i, name=jname(name), sequence=i * 10, active=True, company_id=1,
                use_leads=name == "Website", use_opportunities=True, assignment_optout=False,
                invoiced_target=float(50000 * i), color=i,
                lead_properties_definition=json.dumps([{"name": "aws_segment", "type": "char", "string": "AWS Segment"}]),
                create_uid=2, create_date=CRM_START, write_uid=2, write_date=CRM_START)
    stages = ctx.table("odoo", "crm_stage", cols["crm_stage"])
    for i, (name, de, seq, won, fold) in enumerate(vocab.STAGES, start=1):
        add_row(stages, id=i, name=jname(name, de), sequence=seq, is_won=won, fold=fold,
                create_uid=2, create_date=CRM_START, write_uid=2, write_date=CRM_START)


def country_id(code: str) -> int:
    return [c[0] for c in vocab.COUNTRIES].index(code) + 1


def states_of(code: str) -> list[tuple[int, str]]:
    return [(i, name) for i, (country, _, name) in enumerate(vocab.STATES, start=1) if country == code]


def _partner(ctx: Ctx, cols: dict[str, list[str]], **values) -> int:
    partners = ctx.table("odoo", "res_partner", cols["res_partner"])
    pid = ctx.next_partner_id
    ctx.next_partner_id += 1
    values.setdefault("active", True)
    values.setdefault("lang", "en_US")
    values.setdefault("company_id", None)
    values.setdefault("create_uid", 2)
    values.setdefault("write_uid", 2)
    add_row(partners, id=pid, **values)
    return pid


def build_users(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    """Our company, OdooBot, the administrator and the salespeople (partners first, users next)."""
    rng = ctx.rng
    ctx.company_partner_id = _partner(
        ctx, cols, name=OUR_COMPANY, complete_name=OUR_COMPANY, is_company=True, type="contact",
        commercial_company_name=OUR_COMPANY, website=f"https://www.{OUR_DOMAIN}", email=f"info@{OUR_DOMAIN}",
        country_id=country_id("US"), city="Austin", create_date=CRM_START, write_date=CRM_START,
        customer_rank=0, supplier_rank=0, partner_share=False, employee=False,
    )
    ctx.vendor_partner_id = _partner(
        ctx, cols, name="AWS Solution Provider Program (vendor)", complete_name="AWS Solution Provider Program (vendor)",
        is_company=True, type="contact", commercial_company_name="AWS Solution Provider Program (vendor)",
        country_id=country_id("US"), create_date=CRM_START, write_date=CRM_START, customer_rank=0, supplier_rank=24,
        partner_share=True, employee=False,
    )
    ctx.odoo["res_partner"]["commercial_partner_id"][-1] = ctx.vendor_partner_id
    users = ctx.table("odoo", "res_users", cols["res_users"])
    people = [("OdooBot", "odoobot", False), ("Administrator", "admin", True)]
    taken: set[str] = set()
    for _ in range(ctx.n("users", 6)):
        for _ in range(100):
            first, last = names.person(rng)
            login = f"{names.email_local(first, last, rng)}@{OUR_DOMAIN}"
            if login not in taken:
                break
        taken.add(login)
        people.append((f"{first} {last}", login, True))
    for uid, (name, login, active) in enumerate(people, start=1):
        created = CRM_START - timedelta(days=30) if uid <= 2 else ctx.when(CRM_START - timedelta(days=30), datetime(2025, 6, 1))
        email = login if "@" in login else f"{login}@{OUR_DOMAIN}"
        pid = _partner(ctx, cols, name=name, complete_name=f"{OUR_COMPANY}, {name}", is_company=False,
                       type="contact", parent_id=ctx.company_partner_id, commercial_partner_id=ctx.company_partner_id,
                       commercial_company_name=OUR_COMPANY, email=email, email_normalized=email.lower(),
                       create_date=created, write_date=created, customer_rank=0, supplier_rank=0,
                       partner_share=False, employee=True, active=active)
        team = None if uid <= 2 else 1 + (uid % 4)
        add_row(users, id=uid, login=login, partner_id=pid, company_id=1, active=active, share=False,
                signature=f"<p>{name}</p>", notification_type="email" if uid % 3 else "inbox",
                sale_team_id=team, target_sales_won=rng.choice((0, 100000, 250000)),
                target_sales_done=rng.choice((0, 20, 40)), target_sales_invoiced=rng.choice((0, 150000)),
                create_uid=1, create_date=created, write_uid=1, write_date=created)
        if uid > 2:
            ctx.user_ids.append(uid)
        ctx.user_logins[uid] = login
        ctx.user_names[uid] = name
    partners = ctx.odoo["res_partner"]
    partners["commercial_partner_id"][0] = ctx.company_partner_id
    # crm_team.user_id -> a team leader (users now exist)
    teams = ctx.odoo["crm_team"]
    teams["user_id"] = [ctx.user_ids[i % len(ctx.user_ids)] for i in range(len(teams["id"]))]


def build_customers(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    rng = ctx.rng
    n = ctx.n("customers", 30)
    taken: set[str] = set()
    codes = list(vocab.COUNTRY_WEIGHTS)
    weights = [vocab.COUNTRY_WEIGHTS[c] for c in codes]
    accented = list(vocab.ACCENTED_BRANDS)
    acronyms = list(vocab.ACRONYM_BRANDS)
    span_end = datetime(2026, 9, 30)
    for idx in range(n):
        country = rng.choices(codes, weights)[0]
        kind = "plain"
        alt: list[str] = []
        if idx % 37 == 5 and accented:
            plain, accent = accented.pop(0)
            brand, kind = accent, "accented"
            alt.append(plain)
            taken.add(plain.lower())
        elif idx % 41 == 7 and acronyms:
            long, short = acronyms.pop(0)
            brand, kind = long, "acronym"
            alt.append(short)
            taken.add(long.lower())
        else:
            brand = names.brand_name(rng, taken)
        legal = names.legal_name(rng, brand, country, with_word=rng.random() < 0.45)
        domain = names.domain_for(rng, brand, country)
        created = CRM_START + timedelta(days=int((idx / n) ** 1.3 * (span_end - CRM_START).days))
        created = created + timedelta(seconds=rng.randrange(86400))
        cust = _customer(ctx, idx, brand, legal, domain, country, created, kind, alt)
        ctx.customers.append(cust)
    _plant_lookalikes(ctx)
    _plant_situation_customers(ctx)
    # the customer with many leads over the years is an early one
    ctx.customers[0].kind = "many_leads"
    for cust in ctx.customers:
        _write_customer(ctx, cols, cust)


def _customer(ctx: Ctx, idx: int, brand: str, legal: str, domain: str, country: str, created: datetime,
              kind: str, alt: list[str]) -> Customer:
    rng = ctx.rng
    states = states_of(country)
    state_id, state_name = rng.choice(states) if states else (None, None)
    city = rng.choice(vocab.CITIES[country])
    street = f"{rng.choice(vocab.STREET_WORDS)} {rng.randint(1, 220)}"
    if kind == "lookalike":
        odoo_name = legal
    else:
        odoo_name = legal if rng.random() < 0.7 else brand
    industry = rng.choice(vocab.ACE_INDUSTRIES)
    return Customer(
        idx=idx, partner_id=0, brand=brand, legal=legal, odoo_name=odoo_name, domain=domain, country=country,
        country_id=country_id(country), state_id=state_id, state_name=state_name, city=city, street=street,
        zip=f"{rng.randint(10000, 99999)}", industry=industry, created=created,
        user_id=rng.choice(ctx.user_ids), website_odoo=None, kind=kind, alt_names=alt,
    )


def _plant_lookalikes(ctx: Ctx) -> None:
    """Different companies whose names look alike ("Nordwind Logistics GmbH" vs "Nordwind Logistik AG")."""
    rng = ctx.rng
    pairs = max(2, int(round(12 * ctx.scale)))
    plain = [c for c in ctx.customers if c.kind == "plain"]
    for k in range(min(pairs, len(plain) // 4)):
        source = plain[k * 3 + 1]
        target = plain[k * 3 + 2]
        target.brand = source.brand + rng.choice(("", "", " Group", " Holding"))
        target.kind = source.kind = "lookalike"
        target.legal = names.legal_name(rng, target.brand, target.country, with_word=rng.random() < 0.6)
        target.odoo_name = target.legal
        source.odoo_name = source.legal
        target.domain = names.domain_for(rng, target.brand + rng.choice(("x", "hq", "group", "-eu")), target.country)
        ctx.mess("lookalike_company", "res_partner", f"{source.idx}~{target.idx}",
                 "different customers with near-identical names")


def _plant_situation_customers(ctx: Ctx) -> None:
    """Customers with a common name in several countries, and customers whose only website is a page on a
    shared host (their contacts write from free mail): see revops/demo/situations.py."""
    srng = ctx.situation_rng
    plain = [c for c in ctx.customers if c.kind == "plain" and c.idx > 0]
    srng.shuffle(plain)
    common = max(3, int(round(12 * ctx.scale)))
    for k, cust in enumerate(plain[:common]):
        cust.brand = situations.COMMON_NAMES[(k // 3) % len(situations.COMMON_NAMES)]
        cust.country = ("US", "DE", "GB", "FR", "IN", "CA")[k % 6]
        cust.country_id = country_id(cust.country)
        states = states_of(cust.country)
        cust.state_id, cust.state_name = srng.choice(states) if states else (None, None)
        cust.city = srng.choice(vocab.CITIES[cust.country])
        cust.legal = names.legal_name(srng, cust.brand, cust.country, with_word=False)
        cust.odoo_name = cust.legal
        domains = {c.domain for c in ctx.customers}
        for suffix in ("", "-" + cust.country.lower(), "inc", "hq", "-" + cust.city.lower().replace(" ", ""), str(k)):
            cust.domain = names.domain_for(srng, cust.brand + suffix, cust.country)
            if cust.domain not in domains:
                break
        cust.kind = "common_name"
    shared = max(2, int(round(len(ctx.customers) * 0.03)))
    for cust in plain[common:common + shared]:
        cust.shared_url = situations.shared_site(srng, cust.brand)[1]
        cust.kind = "shared_host"


def _website(ctx: Ctx, domain: str) -> tuple[str | None, str]:
    """A website as a rep types it; returns (value, messiness kind)."""
    r = ctx.rng.random()
    if r < 0.30:
        return f"https://www.{domain}", "website_scheme_www"
    if r < 0.50:
        return domain, "website_bare"
    if r < 0.62:
        return f"http://{domain}/", "website_scheme"
    if r < 0.72:
        return f"https://www.{domain}/{ctx.rng.choice(('en', 'de/home', 'about-us', 'index.html?ref=aws'))}", "website_path"
    if r < 0.80:
        return f"WWW.{domain.upper()}", "website_upper"
    return None, "website_missing"


def _write_customer(ctx: Ctx, cols: dict[str, list[str]], cust: Customer) -> None:
    rng = ctx.rng
    website, web_kind = _website(ctx, cust.domain)
    if cust.shared_url:
        website, web_kind = cust.shared_url, "website_shared_host"
    cust.website_odoo = website
    ctx.mess(web_kind, "res_partner", ctx.next_partner_id)
    name = cust.odoo_name
    if ctx.chance(0.01, "name_whitespace_case"):
        name = "  " + name.upper() + " "  # typed in caps with stray blanks
        ctx.mess("name_whitespace_case", "res_partner", ctx.next_partner_id)
    write = ctx.when(cust.created, ANCHOR - timedelta(days=1))
    cust.partner_id = _partner(
        ctx, cols, name=name, complete_name=name, is_company=True, type="contact",
        commercial_company_name=name, ref=f"C{cust.idx + 10000}",
        vat=_vat(ctx, cust.country) if rng.random() < 0.6 else None,
        website=website, email=f"info@{cust.domain}" if rng.random() < 0.5 and not cust.shared_url else None,
        phone=_phone(ctx, cust.country), street=cust.street, zip=cust.zip, city=cust.city,
        state_id=cust.state_id, country_id=cust.country_id, lang="de_DE" if cust.country in ("DE", "AT", "CH") else "en_US",
        tz="Europe/Berlin" if cust.country in ("DE", "AT", "CH") else "UTC", user_id=cust.user_id, team_id=1 + cust.idx % 4,
        customer_rank=rng.randint(0, 40), supplier_rank=0, partner_share=True, employee=False,
        color=cust.idx % 12, create_date=cust.created, write_date=write,
        comment=_maybe_messy_note(ctx, "res_partner", ctx.next_partner_id),
    )
    ctx.odoo["res_partner"]["commercial_partner_id"][-1] = cust.partner_id
    ctx.mess("kind_" + cust.kind, "res_partner", cust.partner_id) if cust.kind != "plain" else None
    for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
        first, last = names.person(rng)
        personal = rng.random() < 0.07 or cust.shared_url is not None
        email = (f"{names.email_local(first, last, rng)}{rng.randint(1, 99)}@{rng.choice(vocab.GENERIC_MAIL_DOMAINS)}"
                 if personal else f"{names.email_local(first, last, rng)}@{cust.domain}")
        created = ctx.when(cust.created, cust.created + timedelta(days=400))
        created = min(created, ANCHOR - timedelta(days=2))
        pid = _partner(
            ctx, cols, name=f"{first} {last}", complete_name=f"{name}, {first} {last}", is_company=False,
            type="contact", parent_id=cust.partner_id, commercial_partner_id=cust.partner_id,
            commercial_company_name=name, email=email, email_normalized=email.lower(),
            phone=_phone(ctx, cust.country), mobile=_phone(ctx, cust.country) if rng.random() < 0.4 else None,
            function=rng.choice(vocab.JOB_TITLES), street=cust.street, zip=cust.zip, city=cust.city,
            state_id=cust.state_id, country_id=cust.country_id, customer_rank=0, supplier_rank=0,
            partner_share=True, employee=False, create_date=created, write_date=ctx.when(created, ANCHOR),
        )
        cust.contacts.append((pid, first, last, email))
        if personal:
            ctx.mess("contact_personal_email", "res_partner", pid)
    if rng.random() < 0.15:  # invoice address without a name (allowed for non-contact types)
        pid = _partner(ctx, cols, name=None, complete_name=name, is_company=False, type="invoice",
                       parent_id=cust.partner_id, commercial_partner_id=cust.partner_id,
                       commercial_company_name=name, email=f"ap@{cust.domain}", street=cust.street,
                       zip=cust.zip, city=cust.city, country_id=cust.country_id, customer_rank=0,
                       supplier_rank=0, partner_share=True, employee=False,
                       create_date=cust.created, write_date=cust.created)
        ctx.mess("null_name", "res_partner", pid, "invoice address without a name")
    if cust.kind == "plain" and rng.random() < 0.04:  # a duplicate-looking company record
        dup_name = name.lower() if rng.random() < 0.5 else name + " "
        created = ctx.when(cust.created, ANCHOR - timedelta(days=5))
        pid = _partner(ctx, cols, name=dup_name, complete_name=dup_name, is_company=True, type="contact",
                       commercial_company_name=dup_name, website=cust.domain, country_id=cust.country_id,
                       customer_rank=0, supplier_rank=0, partner_share=True, employee=False,
                       create_date=created, write_date=created)
        ctx.odoo["res_partner"]["commercial_partner_id"][-1] = pid
        ctx.mess("duplicate_record", "res_partner", pid, f"duplicate of partner {cust.partner_id}")


def _vat(ctx: Ctx, country: str) -> str:
    return f"{country}{ctx.rng.randint(100000000, 999999999)}"


def _phone(ctx: Ctx, country: str) -> str:
    code = vocab.COUNTRIES[country_id(country) - 1][3]
    return f"+{code} {ctx.rng.randint(20, 999)} {ctx.rng.randint(100000, 9999999)}"


def _maybe_messy_note(ctx: Ctx, table: str, key: object) -> str | None:
    r = ctx.rng.random()
    if r < 0.01:
        ctx.mess("sql_like_text", table, key)
        return "<p>Robert'); DROP TABLE res_partner;-- said \"ok\" ; select * from users where '1'='1'</p>"
    if r < 0.02:
        ctx.mess("emoji_text", table, key)
        return "<p>Great customer 🚀🔥 — loves ☁️ and 🤖; NPS 10/10 ✅</p>"
    if r < 0.03:
        ctx.mess("rtl_text", table, key)
        return "<p>לקוח חשוב - שלום עולם. مرحبا بالعالم</p>"
    return None


# ------------------------------------------------------------------------------------------------
# AWS accounts
# ------------------------------------------------------------------------------------------------

def _account_id(ctx: Ctx, used: set[str], leading_zero: bool) -> str:
    while True:
        digits = ctx.rng.randrange(10**10, 10**11) if leading_zero else ctx.rng.randrange(10**11, 10**12)
        value = f"{digits:012d}"
        if value not in used:
            used.add(value)
            return value


def build_accounts(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    rng = ctx.rng
    target = ctx.n("aws_accounts", 14)
    n_customers = min(len(ctx.customers), ctx.n("aws_customers", 8))
    used: set[str] = set()
    accounts: list[Account] = []

    def new(**kw) -> Account:
        # customer 0 (many leads, own organisation) always has ids with a leading zero to lose
        zero = rng.random() < 0.12 or (kw["customer_idx"] == 0 and kw["environment"] in ("shared", "production"))
        acc = Account(id=len(accounts) + 1, aws_account_id=_account_id(ctx, used, zero), **kw)
        accounts.append(acc)
        return acc

    spp_payers = []
    for k in range(max(1, int(round(2 * min(1.0, ctx.scale * 4))))):
        spp_payers.append(new(
            name=f"cirrostrat-spp-payer-{k + 1:02d}", partner_id=ctx.company_partner_id, customer_idx=None,
            is_payer=True, payer_id=None, is_spp=True, billable=False, consolidated=False, environment="shared",
            status="ACTIVE", support_plan="enterprise", markup=0.0, joined=date(2018, 3, 1), closed=None,
            user_id=ctx.user_ids[0], level=0.0))
    # spend tiers: small (< $5k/month) and large, a few right at the POD threshold
    for cust in ctx.customers[:n_customers]:
        if len(accounts) >= target:
            break
        r = rng.random()
        cust.tier = "boundary" if r < 0.08 else ("small" if r < 0.55 else "large")
        if cust.idx < 3:  # every spend tier exists at any scale
            cust.tier = ("large", "small", "boundary")[cust.idx]
        if cust.tier == "small":
            cust.monthly_level = rng.uniform(300, 4200)
        elif cust.tier == "boundary":
            cust.monthly_level = rng.choice((4700.0, 4850.0, 5150.0, 5400.0)) * rng.uniform(0.99, 1.01)
        else:
            cust.monthly_level = float(min(400000, 6500 * (1 + rng.paretovariate(1.3))))
        size = 1 if r < 0.5 else rng.choice((2, 2, 3, 3, 4, 5, 6, 8))
        if cust.idx == 0:
            size = min(25, max(8, target // 4))  # a customer with a big organisation
        size = max(1, min(size, target - len(accounts)))
        joined = max(date(2019, 1, 1), cust.created.date() + timedelta(days=rng.randint(10, 400)))
        joined = min(joined, date(2026, 8, 1))
        markup = rng.choice((0.0, 3.0, 5.0, 5.0, 7.5, 10.0, 12.0, -2.0))
        env_cycle = ("production", "staging", "development", "test", "sandbox", "shared")
        if size >= 3:
            payer = new(name=f"{names.strip_accents(cust.brand).lower().replace(' ', '-')}-management",
                        partner_id=cust.partner_id, customer_idx=cust.idx, is_payer=True, payer_id=None,
                        is_spp=rng.random() < 0.5, billable=True, consolidated=rng.random() < 0.5,
                        environment="shared", status="ACTIVE", support_plan=rng.choice(("business", "enterprise")),
                        markup=markup, joined=joined, closed=None, user_id=cust.user_id,
                        level=cust.monthly_level * 0.04)
            payer_id, linked = payer.id, size - 1
            cust.accounts.append(payer.id)
            if linked >= 6:
                ctx.mess("payer_many_linked", "c_aws_accounts", payer.id, f"{linked} linked accounts")
        else:
            payer_id, linked = rng.choice(spp_payers).id, size
        shares = [rng.random() + 0.2 for _ in range(linked)]
        total = sum(shares)
        for k in range(linked):
            env = env_cycle[k % len(env_cycle)] if k else "production"
            status = "ACTIVE"
            closed = None
            if rng.random() < 0.05:
                status = rng.choice(("SUSPENDED", "PENDING_CLOSURE"))
                closed = month_add(FIRST_CUR_MONTH, rng.randint(6, 20))
            acc_joined = joined if k == 0 else min(date(2026, 9, 1), joined + timedelta(days=rng.randint(0, 500)))
            if cust.idx == 0 and k == linked - 1:  # an account opened inside the billing window
                acc_joined = date(2025, 7, 14)
            acc = new(name=f"{names.strip_accents(cust.brand).lower().replace(' ', '-')}-{env}{'' if k < 6 else k}",
                      partner_id=cust.partner_id, customer_idx=cust.idx, is_payer=False, payer_id=payer_id,
                      is_spp=False, billable=env not in ("sandbox",) or rng.random() < 0.5,
                      consolidated=False, environment=env, status=status,
                      support_plan=rng.choice(("basic", "developer", "business", "enterprise_on_ramp")),
                      markup=markup, joined=acc_joined, closed=closed, user_id=cust.user_id,
                      level=cust.monthly_level * shares[k] / total * (0.96 if size >= 3 else 1.0))
            cust.accounts.append(acc.id)
    # one more payer's linked accounts pile up under the first SPP payer (shared payer with many linked)
    ctx.accounts = accounts
    table = ctx.table("odoo", "c_aws_accounts", cols["c_aws_accounts"])
    for acc in accounts:
        cust = ctx.customers[acc.customer_idx] if acc.customer_idx is not None else None
        created = datetime.combine(acc.joined, datetime.min.time()) + timedelta(hours=9)
        domain = cust.domain if cust else OUR_DOMAIN
        add_row(table, id=acc.id, name=acc.name, aws_account_id=acc.aws_account_id,
                alias=acc.name if rng.random() < 0.6 else None, partner_id=acc.partner_id,
                is_payer=acc.is_payer, payer_account_id=acc.payer_id, is_spp=acc.is_spp, billable=acc.billable,
                environment=acc.environment, account_status=acc.status,
                root_email=f"aws+{acc.name}@{domain}", support_plan=acc.support_plan, markup_percent=acc.markup,
                date_joined=acc.joined, date_closed=acc.closed, user_id=acc.user_id, company_id=1,
                notes="Consolidated billing" if acc.consolidated else None, active=acc.status != "PENDING_CLOSURE",
                create_uid=acc.user_id, create_date=created, write_uid=acc.user_id,
                write_date=min(ANCHOR - timedelta(hours=3), created + timedelta(days=rng.randint(0, 700))))
        if acc.aws_account_id.startswith("0"):
            ctx.mess("account_id_leading_zero", "c_aws_accounts", acc.id)
    spp = [a for a in accounts if a.is_payer and a.partner_id == ctx.company_partner_id]
    for payer in spp:
        linked = sum(1 for a in accounts if a.payer_id == payer.id)
        if linked >= 6:
            ctx.mess("payer_many_linked", "c_aws_accounts", payer.id, f"{linked} linked accounts")


# ------------------------------------------------------------------------------------------------
# Products
# ------------------------------------------------------------------------------------------------

SERVICE_PRODUCTS = (  # key, name, list price, code
    ("managed_gold", "Managed Services - Gold", 4500.0, "MS-GOLD"),
    ("managed_silver", "Managed Services - Silver", 1800.0, "MS-SILVER"),
    ("proserv_day", "Professional Services - Cloud Architect Day", 1450.0, "PS-DAY"),
    ("map_assess", "MAP Assess Plan (fixed price)", 15000.0, "MAP-ASSESS"),
    ("war", "Well-Architected Review", 6000.0, "WAR"),
    ("hosting", "Hosting - Managed Platform", 950.0, "HOST"),
    ("funding_only", "SB - Funding Only fee", 0.0, "SB-FUND"),
    ("broker", "Sales Broker - Contract fee", 2500.0, "SB-CONTRACT"),
    ("mgmt_fee", "AWS Account Management Fee", 99.0, "AWS-FEE"),
)


def build_products(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    templates = ctx.table("odoo", "product_template", cols["product_template"])
    variants = ctx.table("odoo", "product_product", cols["product_product"])
    created = CRM_START - timedelta(days=20)
    pid = 0
    for code, name, _ in vocab.SERVICES:
        pid += 1
        _product(templates, variants, pid, f"AWS Usage - {name}", f"AWS-{code}", 0.0, code, True, created)
        ctx.products[code] = pid
        ctx.product_names[pid] = f"AWS Usage - {name}"
    for code, name in vocab.MARKETPLACE_CODES:
        pid += 1
        _product(templates, variants, pid, f"AWS Marketplace - {name}", f"MP-{code[-6:]}", 0.0, code, True, created)
        ctx.products[code] = pid
        ctx.product_names[pid] = f"AWS Marketplace - {name}"
    for key, extra in (("credit", "AWS Credits"), ("refund", "AWS Refund"), ("tax", "AWS Tax (US Sales Tax)")):
        pid += 1
        _product(templates, variants, pid, extra, f"AWS-{key.upper()}", 0.0, None, True, created)
        ctx.products[key] = pid
        ctx.product_names[pid] = extra
    for key, name, price, code in SERVICE_PRODUCTS:
        pid += 1
        _product(templates, variants, pid, name, code, price, None, False, created)
        ctx.products[key] = pid
        ctx.product_names[pid] = name
    templates["active"][-1] = True


def _product(templates, variants, pid: int, name: str, code: str, price: float, service: str | None,
             resale: bool, created: datetime) -> None:
    add_row(templates, id=pid, name=jname(name), default_code=code, detailed_type="service", type="service",
            categ_id=2 if resale else 3, uom_id=1, uom_po_id=1, list_price=price, sale_ok=True,
            purchase_ok=resale, active=True, company_id=None,
            description=jname(f"<p>{name}</p>"), description_sale=jname(name),
            invoice_policy="delivery" if resale else "order", service_type="manual",
            expense_policy="no", sale_line_warn="no-message", sequence=pid, c_aws_service_code=service,
            c_is_aws_resale=resale, create_uid=2, create_date=created, write_uid=2, write_date=created)
    add_row(variants, id=pid, product_tmpl_id=pid, default_code=code, combination_indices="", active=True,
            volume=0.0, weight=0.0, create_uid=2, create_date=created, write_uid=2, write_date=created)
