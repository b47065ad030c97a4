"""A second labelled Odoo/ACE set, written independently of revops/demo (issue 13).

Nothing here imports the demo generator: its own company, person and project vocabulary, its own situation
recipes and shares, its own seed, and plain INSERTs instead of the demo's COPY loader. Only the source contract
(the DDL files every consumer follows) is shared. It fills the tables matching reads (countries, partners,
users, teams, stages, leads, AWS accounts; APN users, opportunities, end users); the billing tables stay empty.

The labels go to a CSV (`ace_opportunity_id,odoo_lead_id,situation`; `odoo_lead_id` empty when the opportunity
has no lead; one row per true pair), the shape `revops eval --truth FILE` reads. They are never written to the
source databases, so nothing that reads the sources can see them, and `revops fit-weights` never reads them.

Texts are deliberately less distinctive than the demo's: many projects share the same generic titles, and some
prospects without a lead copy a customer's project text and dates (the `context_only` situation).
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2
from psycopg2.extras import execute_values

from extract.contract import CONTRACT_DIR  # the source contract's DDL, the same the extract checks against
from revops.warehouse import drop_database  # one way to drop a database a non-superuser may share with autovacuum

AS_OF = datetime(2026, 11, 1)
STAMP = datetime(2026, 10, 31, 12)
SITUATIONS = ("ordinary", "renamed", "account_moved", "shared_domain", "namesake", "parent_subsidiary", "script",
              "context_only")

# --- vocabulary (independent of revops/demo/vocab.py) ----------------------------------------------------
ROOTS = ("Kestrel", "Halden", "Marrow", "Tolland", "Brisk", "Quill", "Sable", "Thorne", "Larch", "Ember", "Corvid",
         "Dunmore", "Petra", "Vanta", "Oriel", "Wexley", "Rook", "Ashby", "Calder", "Fenwick", "Gossam", "Ilex",
         "Juniper", "Kelvin", "Lumen", "Mistral", "Norland", "Osprey", "Pinnacle", "Quarry", "Riven", "Solent",
         "Tamsin", "Umber", "Verity", "Wren", "Yarrow", "Zephyr", "Alder", "Bramble", "Cinder", "Delta", "Eskar",
         "Fable", "Granite", "Heron", "Indigo", "Jasper", "Kiln", "Lantern", "Meridian", "Nimbus", "Onyx", "Prism")
SECOND = ("Analytics", "Freight", "Health", "Foods", "Capital", "Robotics", "Media", "Energy", "Textiles", "Labs",
          "Logistics", "Insurance", "Pharma", "Retail", "Mobility", "Learning", "Games", "Security", "Farms", "Works")
COMMON = ("Summit Consulting", "Blue Sky Technologies", "Prime Solutions", "Apex Systems", "Global Tech Services")
SUFFIX = {"US": ("Inc", "LLC", "Corp"), "GB": ("Ltd", "PLC"), "DE": ("GmbH", "AG"), "FR": ("SA", "SAS"),
          "NL": ("BV",), "IN": ("Pvt Ltd",), "GR": ("SA", "IKE"), "BG": ("EOOD", "AD"), "CA": ("Inc", "Ltd")}
COUNTRIES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France", "NL": "Netherlands",
             "IN": "India", "GR": "Greece", "BG": "Bulgaria", "CA": "Canada"}
TLD = {"US": ".com", "GB": ".co.uk", "DE": ".de", "FR": ".fr", "NL": ".nl", "IN": ".in", "GR": ".gr", "BG": ".bg",
       "CA": ".ca"}
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com")
SHARED_HOSTS = ("https://sites.google.com/view/{s}", "https://www.facebook.com/{s}", "https://www.instagram.com/{s}",
                "https://{s}.notion.site", "https://github.com/{s}", "https://www.wix.com/{s}")
GENERIC_TITLES = ("Cloud migration", "Data platform", "AWS migration phase 2", "Landing zone", "Managed services",
                  "Cost optimisation", "Analytics modernisation", "DR on AWS", "EKS platform", "SAP on AWS",
                  "Contact center", "GenAI pilot", "Backup to S3", "Windows workloads", "Security review")
DESCRIPTIONS = ("Customer wants to move workloads to AWS.", "Modernise the data stack.",
                "Follow-up on the assessment.", "Move the ERP off premises.", "Pilot for a new product line.",
                "Consolidate accounts under one payer.", "Reduce the monthly bill.")
FIRST = ("Ana", "Boris", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Katya", "Liam",
         "Mara", "Nikos", "Olga", "Pavel", "Quinn", "Rosa", "Stefan", "Tara")
LAST = ("Ivanova", "Papadopoulos", "Schulz", "Dubois", "Patel", "Murphy", "Novak", "Rossi", "Berg", "Khan",
        "Lopez", "Meyer", "Georgiou", "Petrov", "Walsh")
# Latin -> Cyrillic / Greek, for names the ACE side typed in another script
TO_CYRILLIC = {"a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й",
               "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
               "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з"}
TO_GREEK = {"a": "α", "b": "β", "c": "κ", "d": "δ", "e": "ε", "f": "φ", "g": "γ", "h": "η", "i": "ι", "j": "ι",
            "k": "κ", "l": "λ", "m": "μ", "n": "ν", "o": "ο", "p": "π", "q": "κ", "r": "ρ", "s": "σ", "t": "τ",
            "u": "υ", "v": "β", "w": "ω", "x": "ξ", "y": "υ", "z": "ζ"}
LOOKALIKE = {"o": "\u043e", "a": "\u0430", "e": "\u0435", "p": "\u0440", "c": "\u0441", "i": "\u0456"}


@dataclass
class Company:
    pid: int
    name: str
    country: str
    site: str | None
    mail_domain: str
    accounts: list[int] = field(default_factory=list)  # c_aws_accounts ids
    leads: list[int] = field(default_factory=list)
    contacts: list[tuple[int, str]] = field(default_factory=list)  # (partner id, email)


@dataclass
class World:
    rng: random.Random
    odoo: dict[str, list[dict]] = field(default_factory=dict)
    apn: dict[str, list[dict]] = field(default_factory=dict)
    companies: list[Company] = field(default_factory=list)
    account_ids: dict[int, str] = field(default_factory=dict)  # c_aws_accounts.id -> 12-digit id
    account_owner: dict[int, int] = field(default_factory=dict)  # c_aws_accounts.id -> company index
    lead_rows: dict[int, dict] = field(default_factory=dict)
    labels: list[tuple[str, int | None, str]] = field(default_factory=list)
    users: list[tuple[int, str]] = field(default_factory=list)  # (res_users.id, login)

    def add(self, system: str, table: str, **row) -> dict:
        getattr(self, system).setdefault(table, []).append(row)
        return row


def slugify(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def transliterate(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        mapped = table.get(low, ch)
        out.append(mapped.upper() if ch.isupper() and len(mapped) == 1 else mapped)
    return "".join(out)


def _company_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(200):
        name = f"{rng.choice(ROOTS)} {rng.choice(SECOND)}" if rng.random() < 0.75 else rng.choice(ROOTS) + rng.choice(
            ("ly", "io", "era", "wise", "hub"))
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(ROOTS)} {len(used)}"
    used.add(name)
    return name


def build(seed: int, scale: float) -> World:
    rng = random.Random(seed)
    w = World(rng=rng)
    n_companies = max(40, int(350 * scale))
    for cid, (code, label) in enumerate(COUNTRIES.items(), start=1):
        w.add("odoo", "res_country", id=cid, name=json.dumps({"en_US": label}), code=code)
    country_id = {code: i for i, code in enumerate(COUNTRIES, start=1)}
    w.add("odoo", "crm_team", id=1, name=json.dumps({"en_US": "Direct"}))
    w.add("odoo", "crm_team", id=2, name=json.dumps({"en_US": "Partners"}))
    for sid, (label, won) in enumerate((("New", False), ("Qualified", False), ("Proposal", False), ("Won", True)), 1):
        w.add("odoo", "crm_stage", id=sid, name=json.dumps({"en_US": label}), sequence=sid, is_won=won, fold=False)
    pid = 0
    for uid in range(1, 7):  # salespeople: a person partner, then the user
        pid += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        login = f"{first.lower()}.{last.lower()}{uid}@holdout-partner.example"
        w.add("odoo", "res_partner", id=pid, name=f"{first} {last}", is_company=False, type="contact",
              commercial_partner_id=pid, email=login, active=True, create_date=datetime(2021, 1, 4))
        w.add("odoo", "res_users", id=uid, login=login, partner_id=pid, company_id=1, active=True, share=False,
              notification_type="email", create_date=datetime(2021, 1, 4))
        w.users.append((uid, login))
        w.add("apn", "users", id=f"U{9000 + uid}", email=login, first_name=first, last_name=last,
              is_alliance_lead=uid == 1, is_active=True, created_date=datetime(2021, 2, 1),
              last_modified_date=datetime(2024, 2, 1))
    used: set[str] = set()
    common_left = max(4, int(12 * scale))
    for idx in range(n_companies):
        country = rng.choices(list(COUNTRIES), (30, 12, 14, 8, 6, 8, 6, 5, 6))[0]
        if common_left and idx % 9 == 4:
            common_left -= 1
            base = COMMON[(idx // 9) % len(COMMON)]
        else:
            base = _company_name(rng, used)
        name = f"{base} {rng.choice(SUFFIX[country])}"
        domain = slugify(base) + ("-" + country.lower() if base in COMMON else "") + TLD[country]
        site: str | None = rng.choice((f"https://{domain}", f"www.{domain}", domain, f"https://www.{domain}/home"))
        mail_domain = domain
        if rng.random() < 0.05:  # a small firm: a page on a shared host and free mail
            site = rng.choice(SHARED_HOSTS).format(s=slugify(base))
            mail_domain = rng.choice(FREE_MAIL)
        elif rng.random() < 0.15:
            site = None
        pid += 1
        company = Company(pid=pid, name=name, country=country, site=site, mail_domain=mail_domain)
        w.companies.append(company)
        created = datetime(2022, 1, 1) + timedelta(days=rng.randint(0, 1200))
        w.add("odoo", "res_partner", id=pid, name=name, complete_name=name, is_company=True, type="contact",
              commercial_partner_id=pid, website=site, email=f"office@{mail_domain}" if mail_domain not in FREE_MAIL
              else None, country_id=country_id[country], active=True, create_date=created, write_date=created)
        for _ in range(rng.randint(1, 2)):
            pid += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first[0].lower()}{last.lower()}@{mail_domain}"
            w.add("odoo", "res_partner", id=pid, name=f"{first} {last}", is_company=False, type="contact",
                  parent_id=company.pid, commercial_partner_id=company.pid, email=email, active=True,
                  create_date=created, write_date=created)
            company.contacts.append((pid, email))
    _accounts(w)
    _leads(w)
    return w


def _accounts(w: World) -> None:
    rng = w.rng
    aid = 0
    for idx, company in enumerate(w.companies):
        if rng.random() > 0.65:
            continue
        payer = None
        if rng.random() < 0.2:
            aid += 1
            payer = aid
            _account(w, aid, idx, f"{company.name} payer", True, None)
        for k in range(rng.choice((1, 1, 2, 3))):
            aid += 1
            _account(w, aid, idx, f"{company.name.split()[0]}-{('prod', 'dev', 'data', 'shared')[k]}", False, payer)


def _account(w: World, aid: int, idx: int, name: str, is_payer: bool, payer: int | None) -> None:
    number = f"{w.rng.randrange(10**11):012d}"
    while number in w.account_ids.values():
        number = f"{w.rng.randrange(10**11):012d}"
    w.account_ids[aid] = number
    w.account_owner[aid] = idx
    w.companies[idx].accounts.append(aid)
    w.add("odoo", "c_aws_accounts", id=aid, name=name, aws_account_id=number, partner_id=w.companies[idx].pid,
          is_payer=is_payer, payer_account_id=payer, billable=True, active=True, environment="production",
          create_date=datetime(2022, 6, 1))


def _leads(w: World) -> None:
    rng = w.rng
    lid = 0
    for company in w.companies:
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            lid += 1
            created = datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 990), hours=rng.randint(0, 23))
            created = min(created, AS_OF - timedelta(days=3))
            title = rng.choice(GENERIC_TITLES)
            won = rng.random() < 0.3
            contact = rng.choice(company.contacts) if company.contacts and rng.random() < 0.4 else None
            uid, login = rng.choice(w.users)
            row = w.add(
                "odoo", "crm_lead", id=lid, name=f"{company.name.split()[0]} - {title}" if rng.random() < 0.6 else title,
                type="opportunity", active=True, stage_id=4 if won else rng.randint(1, 3), team_id=rng.randint(1, 2),
                user_id=uid, company_id=1, partner_id=contact[0] if contact else company.pid,
                partner_name=company.name if rng.random() < 0.5 else None,
                email_from=contact[1] if contact else None, website=company.site if rng.random() < 0.3 else None,
                description=f"<p>{rng.choice(DESCRIPTIONS)}</p>", expected_revenue=round(rng.uniform(2e3, 3e5), 2),
                probability=100 if won else rng.choice((10, 20, 40, 60)),
                date_deadline=(created + timedelta(days=rng.randint(30, 200))).date(),
                c_aws_account_id=rng.choice(company.accounts) if company.accounts and rng.random() < 0.5 else None,
                c_origination=rng.choice(("partner_originated", "aws_originated")), create_date=created,
                write_date=created + timedelta(days=rng.randint(0, 20)),
            )
            row["_company"] = company
            company.leads.append(lid)
            w.lead_rows[lid] = row


# --- ACE side -------------------------------------------------------------------------------------------------

def _typed_account(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.15:
        return f"{number[:4]}-{number[4:8]}-{number[8:]}"
    if style < 0.25 and number.startswith("0"):
        return number.lstrip("0")
    return number


def _scripted(rng: random.Random, name: str) -> tuple[str, str]:
    kind = rng.choice(("cyrillic", "greek", "lookalike", "zero_width", "nbsp"))
    if kind == "cyrillic":
        return transliterate(name, TO_CYRILLIC), "Cyrillic transliteration"
    if kind == "greek":
        return transliterate(name, TO_GREEK), "Greek transliteration"
    if kind == "lookalike":
        return "".join(LOOKALIKE.get(ch, ch) if rng.random() < 0.5 else ch for ch in name), "look-alike letters"
    if kind == "zero_width":
        cut = rng.randint(1, len(name) - 1)
        return name[:cut] + "\u200b" + name[cut:], "zero-width space"
    return name.replace(" ", "\u00a0"), "no-break spaces"


def _opportunity(w: World, ace_id: str, *, name: str | None, site: str | None, account: str | None, country: str,
                 created: datetime, title: str, description: str, close: date, lead: dict | None,
                 referral: str) -> None:
    rng = w.rng
    login = rng.choice(w.users)[1]
    stage = rng.choice(("Prospect", "Qualified", "Technical Validation", "Business Validation", "Committed"))
    w.add("apn", "opportunity", id=ace_id, opportunity_ownership=referral, opportunity_type="Net New Business",
          status="Approved" if referral == "Partner Referral" else None,
          partner_acceptance_status="Accepted" if referral == "AWS Referral" else None, stage=stage,
          target_close_date=close, customer_company_name=name, customer_website=site, aws_account_id=account,
          country=COUNTRIES[country], country_code=country, partner_project_title=title,
          project_description=description, use_case="Migration / Database Migration",
          expected_monthly_aws_revenue=round(rng.uniform(500, 40000), 2), expected_revenue_currency="USD",
          partner_crm_unique_identifier=str(lead["id"]) if lead and referral == "Partner Referral"
          and rng.random() < 0.2 else None,
          opportunity_owner_email=login, created_date=created, created_by="AWS" if referral == "AWS Referral" else login,
          last_modified_date=created + timedelta(days=2), last_modified_by=login,
          synced_at=created + timedelta(days=2, hours=1))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    w.add("apn", "end_user", id=len(w.apn.get("end_user", [])) + 1, opportunity_id=ace_id, contact_sequence=0,
          company_name=name, website_url=site, country_code=country, first_name=first, last_name=last,
          email=None, is_masked=False, created_date=created, last_modified_date=created + timedelta(days=1))


def build_ace(w: World, scale: float) -> None:
    rng = w.rng
    leads = list(w.lead_rows.values())
    rng.shuffle(leads)
    n_linked = int(len(leads) * 0.6)
    n_unlinked = int(n_linked * 0.62)
    next_id = 7_400_000 + rng.randint(0, 9999)

    def new_id() -> str:
        nonlocal next_id
        next_id += rng.randint(3, 97)
        return f"O{next_id}"

    linked_plan = (["renamed"] * max(3, int(n_linked * 0.05)) + ["account_moved"] * max(3, int(n_linked * 0.03))
                   + ["parent_subsidiary"] * max(3, int(n_linked * 0.03)) + ["script"] * max(3, int(n_linked * 0.04)))
    for k, lead in enumerate(leads[:n_linked]):
        company: Company = lead["_company"]
        situation = linked_plan[k] if k < len(linked_plan) else "ordinary"
        if (situation == "account_moved" or (situation == "renamed" and not company.site)) and not company.accounts:
            situation = "ordinary"
        if company.mail_domain in FREE_MAIL and situation == "ordinary":  # a page on a shared host
            situation = "shared_domain"
        if company.name.rsplit(" ", 1)[0] in COMMON and situation == "ordinary":
            situation = "namesake"
        referral = "AWS Referral" if rng.random() < 0.35 else "Partner Referral"
        lag = -rng.randint(1, 15) if referral == "AWS Referral" else rng.randint(0, 30)
        created = min(lead["create_date"] + timedelta(days=lag), AS_OF - timedelta(hours=5))
        name: str | None = company.name if rng.random() < 0.5 else company.name.rsplit(" ", 1)[0]
        site = company.site if rng.random() < 0.6 else None
        account = None
        if company.accounts and rng.random() < 0.55:
            number = w.account_ids[lead["c_aws_account_id"] or rng.choice(company.accounts)]
            account = _typed_account(rng, number)
        if situation == "renamed":
            new = _company_name(rng, set())
            name = f"{new} {rng.choice(SUFFIX[company.country])}"
            if company.accounts and rng.random() < 0.5:
                site = f"https://{slugify(new)}{TLD[company.country]}"
                account = _typed_account(rng, w.account_ids[rng.choice(company.accounts)])
            else:
                site = company.site or f"https://{slugify(company.name.rsplit(' ', 1)[0])}{TLD[company.country]}"
                account = account if rng.random() < 0.5 else None
        elif situation == "account_moved":
            if rng.random() < 0.5:  # registered under the acquirer's name; the account still on the lead
                buyer = rng.choice(w.companies)
                name, site = buyer.name, buyer.site
                account = _typed_account(rng, w.account_ids[rng.choice(company.accounts)])
            else:  # the account now belongs to another customer in Odoo: the id points the wrong way
                other = rng.choice([c for c in w.companies if c.accounts and c is not company] or [company])
                account = _typed_account(rng, w.account_ids[rng.choice(other.accounts)])
        elif situation == "parent_subsidiary":
            base = company.name.rsplit(" ", 1)[0]
            name = rng.choice((f"{base} Holdings", f"{base} Group {rng.choice(SUFFIX['US'])}",
                               f"{base} {COUNTRIES[company.country].split()[-1]}"))
            site = rng.choice((None, f"https://{slugify(base)}group.com"))
        elif situation == "script":
            name, _ = _scripted(rng, name or company.name)
        title = lead["name"] if rng.random() < 0.4 else rng.choice(GENERIC_TITLES)
        close = lead["date_deadline"] + timedelta(days=rng.randint(-20, 20))
        ace_id = new_id()
        _opportunity(w, ace_id, name=name, site=site, account=account, country=company.country, created=created,
                     title=title, description=rng.choice(DESCRIPTIONS), close=close, lead=lead, referral=referral)
        w.labels.append((ace_id, lead["id"], situation))
    unlinked_plan = (["namesake"] * int(n_unlinked * 0.15) + ["shared_domain"] * int(n_unlinked * 0.08)
                     + ["context_only"] * int(n_unlinked * 0.12))
    for k in range(n_unlinked):
        situation = unlinked_plan[k] if k < len(unlinked_plan) else "ordinary"
        country = rng.choice(list(COUNTRIES))
        base = _company_name(rng, set())
        site: str | None = f"https://{slugify(base)}{TLD[country]}" if rng.random() < 0.6 else None
        created = datetime(2024, 2, 1) + timedelta(days=rng.randint(0, 1000))
        created = min(created, AS_OF - timedelta(days=1))
        title, description = rng.choice(GENERIC_TITLES), rng.choice(DESCRIPTIONS)
        close = (created + timedelta(days=rng.randint(30, 180))).date()
        if situation == "namesake":
            known = rng.choice(w.companies)
            country = rng.choice([c for c in COUNTRIES if c != known.country])
            known_base = known.name.rsplit(" ", 1)[0]
            base = known_base if rng.random() < 0.5 else rng.choice((
                known_base + "s", known_base.replace(" ", " & ", 1), known_base + " Digital", known_base[:-1]))
            site = f"https://{slugify(base)}-{country.lower()}{TLD[country]}" if rng.random() < 0.5 else None
        elif situation == "shared_domain":
            site = rng.choice(SHARED_HOSTS).format(s=slugify(base))
        elif situation == "context_only":  # copies a customer's project: same title, text and dates
            lead = rng.choice(leads)
            title, description = lead["name"], rng.choice(DESCRIPTIONS)
            created = min(lead["create_date"] + timedelta(days=rng.randint(0, 10)), AS_OF - timedelta(hours=3))
            close = lead["date_deadline"] + timedelta(days=rng.randint(-5, 5))
        name = f"{base} {rng.choice(SUFFIX[country])}" if rng.random() < 0.7 else base
        referral = "AWS Referral" if rng.random() < 0.6 else "Partner Referral"
        ace_id = new_id()
        _opportunity(w, ace_id, name=name, site=site, account=None, country=country, created=created, title=title,
                     description=description, close=close, lead=None, referral=referral)
        w.labels.append((ace_id, None, situation))


# --- writing --------------------------------------------------------------------------------------------------

ODOO_TABLES = ("res_country", "res_partner", "res_users", "crm_team", "crm_stage", "c_aws_accounts", "crm_lead")
APN_TABLES = ("users", "opportunity", "end_user")


def _recreate(admin_dsn: str, database: str) -> None:
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            drop_database(cur, database)
            cur.execute(f'create database "{database}"')
    finally:
        conn.close()


def _fill(dsn: str, contract: str, tables: dict[str, list[dict]], order: tuple[str, ...]) -> None:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(contract)
            # in key order; res_partner.user_id stays empty, so the users <-> partners cycle never arises
            for table in order:
                rows = tables.get(table, [])
                if not rows:
                    continue
                if table in ODOO_TABLES:  # the ORM stamps every row
                    for row in rows:
                        row.setdefault("create_date", STAMP)
                        row["write_date"] = row.get("write_date") or row["create_date"] or STAMP
                columns = sorted({k for row in rows for k in row if not k.startswith("_")})
                values = [[row.get(c) for c in columns] for row in rows]
                execute_values(cur, f"insert into public.{table} ({', '.join(columns)}) values %s", values)
            for table in order:  # serial sequences after explicit ids
                cur.execute(f"select pg_get_serial_sequence('public.{table}', 'id')")
                sequence = cur.fetchone()[0]
                if sequence:
                    cur.execute(f"select setval('{sequence}', coalesce((select max(id) from public.{table}), 0) + 1, false)")
        conn.commit()
    finally:
        conn.close()


def write_truth(path: Path, labels: list[tuple[str, int | None, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("ace_opportunity_id", "odoo_lead_id", "situation"))
        for ace_id, lead_id, situation in labels:
            writer.writerow((ace_id, "" if lead_id is None else lead_id, situation))


def create_holdout_sources(admin_dsn_of, odoo_db: str, apn_db: str, truth_path: Path, *, seed: int = 20261204,
                           scale: float = 1.0) -> dict:
    """Recreate the two holdout source databases and write the truth CSV. `admin_dsn_of(database)` returns a
    superuser DSN for a database. Returns counts."""
    world = build(seed, scale)
    build_ace(world, scale)
    for database in (odoo_db, apn_db):
        _recreate(admin_dsn_of("postgres"), database)
    _fill(admin_dsn_of(odoo_db), (CONTRACT_DIR / "odoo.sql").read_text(), world.odoo, ODOO_TABLES)
    _fill(admin_dsn_of(apn_db), (CONTRACT_DIR / "apn.sql").read_text(), world.apn, APN_TABLES)
    write_truth(truth_path, world.labels)
    per_situation: dict[str, int] = {}
    for _, _, situation in world.labels:
        per_situation[situation] = per_situation.get(situation, 0) + 1
    return {"odoo_database": odoo_db, "apn_database": apn_db, "truth": str(truth_path),
            "ace_opportunities": len(world.apn["opportunity"]), "odoo_leads": len(world.lead_rows),
            "without_lead": sum(1 for _, lead, _ in world.labels if lead is None), "situations": per_situation}
