"""ACE opportunities (APN database): registrations of Odoo leads, and referrals that never reached Odoo.

Ground truth written here: truth.ace_odoo_match (one row per true ACE <-> lead pair, many-to-many)
and truth.ace_no_match (ACE opportunities that belong to no Odoo lead, with the reason).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from demo_data import crm, names, situations, vocab
from demo_data.model import ACE_START, ANCHOR, Ctx, Customer, Lead, add_row, utc

MASK = "Accept to View"


def plan(ctx: Ctx) -> None:
    """Choose which leads were registered in ACE (once or twice) and the ACE-only opportunities."""
    rng = ctx.rng
    n_ace = ctx.n("ace_opportunities", 60)
    eligible = [lead for lead in ctx.leads if lead.type == "opportunity" and lead.customer_idx is not None
                and lead.create >= ACE_START - timedelta(days=60)]
    n_linked = min(len(eligible), int(n_ace * 0.48))
    registered = rng.sample(eligible, n_linked)
    # the special name cases are registered at any scale
    chosen = {lead.id for lead in registered}
    for kind in ("accented", "acronym", "lookalike"):
        for lead in eligible:
            if ctx.customers[lead.customer_idx].kind == kind and lead.id not in chosen:
                if not any(ctx.customers[x.customer_idx].kind == kind for x in registered):
                    registered.append(lead)
                    chosen.add(lead.id)
    registered = sorted(registered, key=lambda lead: lead.id)
    rows: list[dict] = []
    doubles = max(2, int(round(n_linked * 0.07)))
    for i, lead in enumerate(registered):
        rows.append(_from_lead(ctx, lead, "first"))
        if i % max(1, n_linked // doubles) == 3:
            rows.append(_from_lead(ctx, lead, "second"))
    # duplicate leads in Odoo for the same deal: the ACE opportunity belongs to both
    dup_every = max(3, n_linked // max(2, int(round(n_linked * 0.03))))
    for i, row in enumerate(list(rows)):
        if i % dup_every == 1 and row["relation"] == "first":
            dup = crm.add_duplicate(ctx, row["lead"])
            row["extra_leads"] = [dup]
    while len(rows) < n_ace:
        rows.append(_unmatched(ctx, len(rows)))
    rows.sort(key=lambda r: (r["created"], r["seq"]))
    next_id = 1_000_000 + rng.randint(0, 50_000)
    for row in rows:
        next_id += rng.randint(1, 220)
        row["id"] = f"O{next_id}"
        if row.get("lead"):
            row["lead"].ace_ids.append(row["id"])
    _assign_situations(ctx, rows)
    ctx.ace_rows = rows


def _assign_situations(ctx: Ctx, rows: list[dict]) -> None:
    """One situation per ACE opportunity (revops/demo/situations.py), from the situation stream; every planted
    situation exists at least once whatever the scale."""
    srng = ctx.situation_rng
    for row in rows:
        cust = row.get("customer")
        row["situation"] = "shared_domain" if cust is not None and cust.shared_url else (
            "namesake" if cust is not None and cust.kind == "common_name" else "ordinary")
    linked = [r for r in rows if r.get("lead") and r["relation"] == "first" and r["situation"] == "ordinary"]
    unlinked = [r for r in rows if not r.get("lead") and r.get("customer") is None]
    srng.shuffle(linked)
    srng.shuffle(unlinked)
    # account_moved first: it replaces the typed account id, so it takes the rows that cannot show a lost zero
    for situation, share in sorted(situations.SHARES.items(), key=lambda item: item[0] != "account_moved"):
        wanted = max(3, int(round(len(linked) * share)))
        eligible = [r for r in linked if r["situation"] == "ordinary"
                    and (situation not in ("renamed", "account_moved") or r["customer"].accounts)]
        if situation == "account_moved":  # its id is replaced: leave the rows that can show a lost leading zero
            eligible = [r for r in eligible if not any(ctx.accounts[a - 1].aws_account_id.startswith("0")
                                                       for a in r["customer"].accounts)] or eligible
        for row in eligible[:wanted]:
            row["situation"] = situation
    known_unlinked = [r for r in rows if not r.get("lead") and r.get("customer") is not None
                      and r["situation"] == "ordinary"]
    srng.shuffle(known_unlinked)
    for row in known_unlinked[:max(2, int(round(len(known_unlinked) * situations.NAME_ONLY_UNLINKED_SHARE)))]:
        row["situation"] = "name_only"
    start = 0
    for situation, share in situations.NO_MATCH_SHARES.items():
        wanted = max(2, int(round(len(unlinked) * share)))
        for row in unlinked[start:start + wanted]:
            row["situation"] = situation
        start += wanted


def _from_lead(ctx: Ctx, lead: Lead, relation: str) -> dict:
    rng = ctx.rng
    aws = lead.origination == "aws_originated" or (lead.origination is None and rng.random() < 0.3)
    if relation == "second":  # registered again: duplicate registration or renewal
        created = lead.create + timedelta(days=rng.randint(20, 300))
    elif aws:  # AWS shared the referral first, then the rep created the lead
        created = lead.create - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
    else:
        created = lead.create + timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 12))
    created = min(created, ANCHOR - timedelta(hours=2))
    if lead.origination == "aws_originated" and not aws or (lead.origination == "partner_originated" and aws):
        ctx.mess("origination_disagrees", "crm_lead", lead.id)
    return dict(seq=len(ctx.ace_rows) + lead.id * 3 + (relation == "second"), lead=lead, relation=relation,
                customer=ctx.customers[lead.customer_idx], aws=aws, created=created, kind="linked")


def _unmatched(ctx: Ctx, seq: int) -> dict:
    rng = ctx.rng
    reason = rng.choices(("aws_referral_never_worked", "aws_referral_rejected", "ace_only_partner_referral"),
                         (55, 25, 20))[0]
    known = rng.random() < (0.25 if reason != "ace_only_partner_referral" else 0.6)
    cust = rng.choice(ctx.customers) if known else None
    created = ACE_START + timedelta(seconds=int((ANCHOR - ACE_START).total_seconds() * rng.random() ** 0.7))
    created = min(created, ANCHOR - timedelta(hours=3))
    return dict(seq=10**9 + seq, lead=None, relation=None, customer=cust, aws=reason != "ace_only_partner_referral",
                created=created, kind=reason, prospect=_prospect(ctx) if cust is None else None)


def _prospect(ctx: Ctx) -> dict:
    """A company that never became an Odoo customer."""
    rng = ctx.rng
    taken = {c.brand.lower() for c in ctx.customers}
    brand = names.brand_name(rng, taken)
    country = rng.choice(("US", "US", "DE", "GB", "FR", "NL", "CA", "IN"))
    return dict(brand=brand, legal=names.legal_name(rng, brand, country, rng.random() < 0.4),
                domain=names.domain_for(rng, brand, country), country=country)


# ------------------------------------------------------------------------------------------------

def _name_variant(ctx: Ctx, cust: Customer, ace_id: str) -> str | None:
    rng = ctx.rng
    if cust.kind == "accented" and (rng.random() < 0.6 or "name_accents" not in ctx.planted):
        ctx.mess("name_accents", "opportunity", ace_id)
        return cust.alt_names[0]
    if cust.kind == "acronym" and (rng.random() < 0.6 or "name_acronym" not in ctx.planted):
        ctx.mess("name_acronym", "opportunity", ace_id)
        return cust.alt_names[0]
    r = rng.random()
    table = (
        (0.25, "name_exact", lambda: cust.legal),
        (0.45, "name_brand_vs_legal", lambda: cust.brand),
        (0.58, "name_suffix_dropped", lambda: names.drop_suffix(cust.legal)),
        (0.68, "name_suffix_changed", lambda: names.other_suffix(rng, cust.legal, cust.country)),
        (0.77, "name_typo", lambda: names.typo(rng, cust.legal)),
        (0.83, "name_spacing", lambda: names.respace(cust.brand)),
        (0.88, "name_case", lambda: cust.legal.upper()),
        (0.92, "name_punctuation", lambda: cust.legal.replace(" ", ", ", 1) if " " in cust.legal else cust.legal + "."),
        (0.95, "name_with_division", lambda: f"{cust.brand} - {rng.choice(('EMEA', 'US', 'Digital', 'IT'))}"),
        (0.97, "null_name", lambda: None),
        (1.01, "name_exact", lambda: cust.odoo_name),
    )
    for bound, kind, make in table:
        if r < bound:
            if kind != "name_exact":
                ctx.mess(kind, "opportunity", ace_id)
            return make()
    return cust.legal


def _website_variant(ctx: Ctx, domain: str, ace_id: str) -> str | None:
    r = ctx.rng.random()
    if r < 0.30:
        ctx.mess("website_missing", "opportunity", ace_id)
        return None
    if r < 0.55:
        return f"https://www.{domain}"
    if r < 0.70:
        return f"www.{domain}"
    if r < 0.80:
        ctx.mess("website_path", "opportunity", ace_id)
        return f"https://{domain}/{ctx.rng.choice(('en-us/', 'home', 'contact?utm_source=aws'))}"
    if r < 0.90:
        return domain
    ctx.mess("website_scheme", "opportunity", ace_id)
    return f"http://{domain}"


def _account_variant(ctx: Ctx, row: dict, cust: Customer | None) -> str | None:
    rng = ctx.rng
    ace_id = row["id"]
    if not cust or not cust.accounts:
        if rng.random() < 0.04:
            ctx.mess("account_id_unknown", "opportunity", ace_id)
            return f"{rng.randrange(10**11, 10**12)}"
        return None
    # the typed variants below need an id: until each was planted once (tiny scales) no id goes missing
    variants_planted = {"account_id_dashes", "account_id_lost_zero"} <= ctx.planted
    if (rng.random() < 0.45 or "account_id_missing" not in ctx.planted) and variants_planted:
        ctx.mess("account_id_missing", "opportunity", ace_id)
        return None
    lead = row.get("lead")
    acc_id = lead.account_id if lead and lead.account_id else rng.choice(cust.accounts)
    acc = ctx.accounts[acc_id - 1]
    if (not acc.is_payer and acc.payer_id and ctx.accounts[acc.payer_id - 1].customer_idx == cust.idx
            and ctx.chance(0.08, "account_id_payer")):
        acc = ctx.accounts[acc.payer_id - 1]
        ctx.mess("account_id_payer", "opportunity", ace_id)
    value = acc.aws_account_id
    r = rng.random()
    if value.startswith("0") and (r < 0.5 or "account_id_lost_zero" not in ctx.planted):
        ctx.mess("account_id_lost_zero", "opportunity", ace_id)
        return value.lstrip("0")
    if r < 0.15 or "account_id_dashes" not in ctx.planted:
        ctx.mess("account_id_dashes", "opportunity", ace_id)
        return f"{value[:4]}-{value[4:8]}-{value[8:]}"
    if r < 0.25 or "account_id_spaces" not in ctx.planted:
        ctx.mess("account_id_spaces", "opportunity", ace_id)
        return f"{value[:4]} {value[4:8]} {value[8:]}" if rng.random() < 0.5 else f" {value} "
    return value


def _plant_prospect(ctx: Ctx, prospect: dict, situation: str) -> str:
    """A company without a lead that looks like a customer: its namesake abroad, or a page on a shared host."""
    srng = ctx.situation_rng
    if situation == "shared_domain":
        host, url = situations.shared_site(srng, prospect["brand"])
        prospect["url"] = url
        return f"prospect on shared host {host}"
    known = srng.choice(ctx.customers)
    brand = known.brand if srng.random() < 0.4 else situations.near_name(srng, known.brand)
    country = srng.choice([c for c in ("US", "DE", "GB", "FR", "NL", "CA", "IN") if c != known.country])
    prospect.update(brand=brand, country=country, legal=names.legal_name(srng, brand, country, False),
                    domain=names.domain_for(srng, brand + srng.choice(("", "-" + country.lower(), "online")), country))
    if prospect["domain"] == known.domain:
        prospect["domain"] = "the-" + prospect["domain"]
    return f"namesake of customer {known.partner_id} ({known.brand}, {known.country})"


def _retyped(ctx: Ctx, ace_id: str, typed: str | None, clean: str) -> str:
    """`clean`, the account id a situation puts on the registration, typed the way `typed` (the planted variant)
    was, so the planted mess stays true; a mess that cannot carry over (a lost zero the new id lacks, a payer id,
    a missing id) leaves the truth's list of planted messes."""
    kept = []
    for entry in ctx.truth.get("messiness", []):
        kind, table, key, _ = entry
        if table != "opportunity" or key != ace_id or not kind.startswith("account_id"):
            kept.append(entry)
        elif kind == "account_id_dashes":
            clean = f"{clean[:4]}-{clean[4:8]}-{clean[8:]}"
            kept.append(entry)
        elif kind == "account_id_spaces":
            clean = f" {clean} " if typed and typed.startswith(" ") else f"{clean[:4]} {clean[4:8]} {clean[8:]}"
            kept.append(entry)
        elif kind == "account_id_lost_zero" and clean.startswith("0"):
            clean = clean.lstrip("0")
            kept.append(entry)
    ctx.truth["messiness"] = kept
    return clean


def _apply_situation(ctx: Ctx, row: dict, cust: Customer, company, website, account, domain):
    """What the ACE registration of a linked opportunity says in its planted situation."""
    srng = ctx.situation_rng
    situation = row.get("situation", "ordinary")
    note = None
    if situation == "renamed":
        taken = {c.brand.lower() for c in ctx.customers}
        new_brand = names.brand_name(srng, taken)
        company = names.legal_name(srng, new_brand, cust.country, with_word=srng.random() < 0.3)
        if srng.random() < 0.6:  # the new website; only the account id ties it
            domain = names.domain_for(srng, new_brand, cust.country)
            website = f"https://www.{domain}"
            if account is None:
                account = _retyped(ctx, row["id"], None, ctx.accounts[srng.choice(cust.accounts) - 1].aws_account_id)
        else:  # the old website is still on the registration
            website = website or f"https://{cust.domain}"
        note = f"renamed from {cust.brand} to {new_brand}"
    elif situation == "account_moved":
        others = [c for c in ctx.customers if c.accounts and c.idx != cust.idx]
        previous = srng.choice(others)
        account = _retyped(ctx, row["id"], account, ctx.accounts[srng.choice(previous.accounts) - 1].aws_account_id)
        note = f"account listed under customer {previous.partner_id} in Odoo"
    elif situation == "parent_subsidiary":
        word = situations.SUBSIDIARY_WORDS.get(cust.country, "International")
        company = f"{cust.brand} {word} {srng.choice(('GmbH', 'Ltd', 'Inc.', 'B.V.', 'SAS'))}"
        domain = f"{situations.slug(cust.brand)}-{cust.country.lower()}.com"
        website = f"https://{domain}" if srng.random() < 0.7 else website
        note = f"subsidiary of {cust.brand}"
    elif situation == "script":
        company = situations.scripted(srng, company or cust.legal)
        note = "homoglyphs / invisible / full-width characters"
    elif situation == "name_only":  # the keys were never typed (write): only the name and the dates tie it
        note = "no key: company name and dates only" if row.get("lead") else "known customer's deal without a lead"
    elif situation == "shared_domain" and cust.shared_url:
        website = cust.shared_url if srng.random() < 0.8 else None
        note = "customer's website is a page on a shared host"
    return company, website, account, domain, note


def _title(ctx: Ctx, row: dict, company: str | None) -> str:
    rng = ctx.rng
    brand = company or "Customer"
    lead: Lead | None = row.get("lead")
    workload = lead.workload if lead else rng.choice(vocab.WORKLOADS)
    years, money = rng.choice((1, 2, 3, 5)), rng.choice((1, 2, 3, 5, 7, 10, 12))
    options = (
        lambda: f"{brand} | {years}YR ${money}M EDP #TopDeal",
        lambda: f"{brand} - {years}YR ${money}MM EDP",
        lambda: f"{brand} - {workload} - Migration #extmig #map",
        lambda: "MAP 2.0",
        lambda: f"{brand} - {workload}",
        lambda: f"{brand} {workload}",
        lambda: f"{workload} for {brand}",
        lambda: f"{brand} - MAP Assess",
        lambda: f"{brand} Well-Architected Review",
        lambda: f"[{brand}] {workload} on AWS",
    )
    weights = (4, 3, 6, 2, 30, 10, 10, 6, 5, 4)
    if lead and lead.category in ("Sales Broker - Contract",):
        weights = (30, 30, 2, 1, 10, 5, 5, 1, 1, 1)
    choice = rng.choices(range(len(options)), weights)[0]
    if "title_without_company" not in ctx.planted and lead is None:
        choice = 3
    if choice == 3:
        ctx.mess("title_without_company", "opportunity", row["id"])
    return options[choice]()


def _description(ctx: Ctx, row: dict, brand: str) -> str | None:
    rng = ctx.rng
    lead = row.get("lead")
    workload = lead.workload if lead else rng.choice(vocab.WORKLOADS)
    text = (f"{brand} is looking to {rng.choice(('migrate', 'modernize', 'build', 'optimize'))} "
            f"{workload.lower()} workloads to AWS. {rng.choice(('Customer runs on-prem VMware.', 'Currently on Azure.', 'Greenfield project.', 'Datacenter exit by year end.'))} "
            f"Expected start {rng.choice(('Q1', 'Q2', 'Q3', 'Q4'))}.")
    r = rng.random()
    if r < 0.006:
        ctx.mess("long_description", "opportunity", row["id"])
        return (text + " ") * (10000 // (len(text) + 1)) + "x" * (10000 % (len(text) + 1))
    if r < 0.012:
        ctx.mess("emoji_text", "opportunity", row["id"])
        return text + " 🚀☁️💸 #TopDeal 🎯"
    if r < 0.018:
        ctx.mess("rtl_text", "opportunity", row["id"])
        return text + " הלקוח מעוניין בענן. العميل يريد الانتقال إلى السحابة."
    if r < 0.024:
        ctx.mess("sql_like_text", "opportunity", row["id"])
        return "Robert'); DROP TABLE opportunity;-- \"quote\" \\N \t tab; select 1; --"
    if r < 0.05:
        return None
    return text


def write(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    rng = ctx.rng
    opp = ctx.table("apn", "opportunity", cols["opportunity"])
    end_user = ctx.table("apn", "end_user", cols["end_user"])
    match = ctx.truth.setdefault("ace_odoo_match", [])
    no_match = ctx.truth.setdefault("ace_no_match", [])
    end_user_id = 0
    by_lead_first: dict[int, str] = {}
    for row in ctx.ace_rows:
        ace_id, lead, cust = row["id"], row.get("lead"), row.get("customer")
        created = row["created"]
        if lead:
            match.append((ace_id, lead.id, row["relation"] == "second" and "second_registration" or "registration"))
            for extra in row.get("extra_leads", []):
                match.append((ace_id, extra.id, "duplicate_lead"))
            if row["relation"] == "first":
                by_lead_first[lead.id] = ace_id
            else:
                ctx.mess("lead_two_ace", "crm_lead", lead.id, f"{by_lead_first.get(lead.id)} and {ace_id}")
        else:
            no_match.append((ace_id, row["kind"], cust.partner_id if cust else None))
            ctx.mess("ace_no_odoo_lead", "opportunity", ace_id, row["kind"])
        prospect = row.get("prospect")
        situation, note = row.get("situation", "ordinary"), None
        if situation in ("namesake", "shared_domain") and prospect is not None:
            note = _plant_prospect(ctx, prospect, situation)
        if cust:
            company = _name_variant(ctx, cust, ace_id)
            domain, country, state, city = cust.domain, cust.country, cust.state_name, cust.city
            industry = cust.industry
        else:
            company = prospect["legal"] if rng.random() < 0.6 else prospect["brand"]
            domain, country, state, city = prospect["domain"], prospect["country"], None, None
            industry = rng.choice(vocab.ACE_INDUSTRIES)
        ownership = "AWS Referral" if row["aws"] else "Partner Referral"
        masked = row["kind"] == "aws_referral_never_worked" and rng.random() < 0.7 and situation == "ordinary"
        stage, status, acceptance, reject_reason, lost_reason = _lifecycle(ctx, row, ownership, masked)
        target = _target_close(ctx, row, stage, created)
        bare = situation == "name_only"  # no key at all: nothing planted on these fields either
        website = None if bare else _website_variant(ctx, domain, ace_id)
        account = None if bare else _account_variant(ctx, row, cust)
        if prospect is not None and prospect.get("url"):
            website = prospect["url"]
        if cust is not None:
            company, website, account, domain, note = _apply_situation(ctx, row, cust, company, website, account, domain)
        ctx.truth.setdefault("ace_situation", []).append((ace_id, situation, note))
        owner = rng.choice(ctx.apn_user_ids)
        owner_email = next(k for k, v in ctx.apn_user_by_login.items() if v == owner)
        modified = ctx.when(created, ANCHOR - timedelta(minutes=10)) if rng.random() < 0.8 else created
        title_company = company if company and rng.random() < 0.8 else (cust.brand if cust else prospect["brand"])
        title = _title(ctx, row, title_company)
        description = _description(ctx, row, title_company)
        if masked:
            ctx.mess("masked_end_user", "opportunity", ace_id)
            company, website = MASK, None
        partner_crm_id = None
        if lead and not bare and ownership == "Partner Referral" and rng.random() < 0.45:
            partner_crm_id = str(lead.id)
            ctx.mess("partner_crm_id", "opportunity", ace_id)
        elif lead and not bare and ownership == "AWS Referral" and rng.random() < 0.15:
            partner_crm_id = str(lead.id)
            ctx.mess("partner_crm_id", "opportunity", ace_id)
        launched = stage in ("Launched", "Closed Lost")
        monthly = round(rng.lognormvariate(8.3, 1.2), 2)
        if ctx.chance(0.003, "negative_amount"):
            monthly = -monthly
            ctx.mess("negative_amount", "opportunity", ace_id)
        created_utc = utc(created)
        if ctx.chance(0.002, "future_close_date"):
            target = date(2199, 1, 1)
            ctx.mess("future_close_date", "opportunity", ace_id, "target_close_date 2199")
        add_row(
            opp, id=ace_id, partner_crm_unique_identifier=partner_crm_id, opportunity_ownership=ownership,
            opportunity_type="Flat Renewal" if row["relation"] == "second" and rng.random() < 0.5 else
            rng.choices(("Net New Business", "Expansion", "Flat Renewal"), (80, 15, 5))[0],
            parent_opp_id=by_lead_first.get(lead.id) if lead and row["relation"] == "second" and rng.random() < 0.6 else None,
            status=status, apn_reviewer_comments="Please add customer details." if status == "Action Required" else None,
            partner_acceptance_status=acceptance,
            accept_by=utc(created + timedelta(days=5)) if ownership == "AWS Referral" else None,
            rejection_reason=reject_reason, stage=stage, target_close_date=target, closed_lost_reason=lost_reason,
            next_step=rng.choice(("Schedule workshop", "Send proposal", "Waiting for customer", None)),
            next_step_history=None, aws_stage=stage if launched else None,
            aws_close_date=target if launched else None,
            aws_closed_lost_reason=lost_reason if stage == "Closed Lost" and rng.random() < 0.5 else None,
            customer_company_name=company, customer_website=website,
            customer_duns=f"{rng.randrange(10**8, 10**9)}" if rng.random() < 0.2 else None,
            aws_account_id=account, industry=industry,
            industry_other="Space tech" if industry == "Other" else None,
            street_address=cust.street if cust and not masked and rng.random() < 0.6 else None,
            city=city if not masked else None, state=state if country == "US" and not masked else None,
            postal_code=cust.zip if cust and not masked and rng.random() < 0.5 else None,
            country=_country_name(country), country_code=country, partner_project_title=title,
            project_description=description, use_case=rng.choice(vocab.USE_CASES),
            delivery_model=";".join(sorted(rng.sample(vocab.DELIVERY_MODELS, rng.randint(1, 2)))),
            expected_monthly_aws_revenue=monthly, expected_revenue_currency="USD",
            partner_primary_need_from_aws=";".join(rng.sample(vocab.PRIMARY_NEEDS, rng.randint(1, 3))),
            sales_activities=";".join(rng.sample(vocab.SALES_ACTIVITIES, rng.randint(1, 3))),
            solution_offered=f"S-{rng.randint(1000000, 1000050):07d}", other_solution_offered=None,
            aws_products=";".join(rng.sample(vocab.AWS_PRODUCTS, rng.randint(1, 4))),
            competitive_tracking=rng.choice(vocab.COMPETITORS),
            campaign_name=";".join(rng.sample(vocab.APN_PROGRAMS, rng.randint(0, 2))) or None,
            is_opp_from_marketing_activity=rng.choice(("Yes", "No", "No")),
            aws_sf_campaign_name=None, is_marketing_development_funded=rng.choice(("Yes", "No", "No", "No")),
            does_opp_belong_to_nat_sec="No", additional_comments=None,
            opportunity_owner_name=_owner_name(ctx, owner_email), opportunity_owner_email=owner_email,
            owner_user_id=owner if rng.random() < 0.97 else None,
            primary_contact_first_name=_owner_name(ctx, owner_email).split(" ")[0],
            primary_contact_last_name=_owner_name(ctx, owner_email).split(" ")[-1],
            primary_contact_email=owner_email,
            aws_account_owner_name=_aws_person(ctx), aws_account_owner_email=None,
            aws_sales_rep_name=_aws_person(ctx) if rng.random() < 0.5 else None, aws_sales_rep_email=None,
            aws_partner_success_manager_name=_aws_person(ctx), aws_partner_success_manager_email=None,
            partner_development_manager=_aws_person(ctx), partner_development_manager_email=None,
            created_date=created_utc, created_by=owner_email if ownership == "Partner Referral" else "AWS",
            last_modified_date=utc(modified), last_modified_by=owner_email,
            synced_at=utc(modified + timedelta(minutes=rng.randint(1, 90))),
        )
        for seq in range(rng.choice((1, 1, 1, 2, 2, 3))):
            end_user_id += 1
            first, last, email = _contact(ctx, cust, domain, seq)
            if bare:  # the contacts write from free mail: no company domain anywhere on the registration
                email = f"{email.split('@')[0]}@{ctx.situation_rng.choice(vocab.GENERIC_MAIL_DOMAINS)}"
            eu_created = created + timedelta(minutes=seq)
            eu_company = company if rng.random() < 0.8 else (cust.brand if cust else prospect["brand"])
            add_row(
                end_user, id=end_user_id, opportunity_id=ace_id, contact_sequence=seq,
                company_name=MASK if masked else eu_company,
                website_url=MASK if masked else (website or (f"https://{domain}" if rng.random() < 0.2 and not bare
                                                             else None)),
                industry=industry, country_code=country,
                first_name=MASK if masked else first, last_name=MASK if masked else last,
                email=MASK if masked else email, phone=MASK if masked else f"+1 555 {rng.randint(1000000, 9999999)}",
                business_title=MASK if masked else rng.choice(vocab.JOB_TITLES), is_masked=masked,
                created_date=utc(eu_created), last_modified_date=utc(max(eu_created, modified)),
            )
            if website is None and not masked and email and domain in email:
                ctx.mess("website_only_email_domain", "end_user", end_user_id)


def _lifecycle(ctx: Ctx, row: dict, ownership: str, masked: bool):
    """(stage, review status, acceptance, rejection reason, closed-lost reason) consistent with the lead."""
    rng = ctx.rng
    lead: Lead | None = row.get("lead")
    if ownership == "AWS Referral":
        status = None
        if row["kind"] == "aws_referral_never_worked":
            acceptance = None if masked else "Accepted"
            stage = "Prospect" if masked else rng.choice(("Prospect", "Qualified", "Closed Lost"))
            return stage, status, acceptance, None, "No Opportunity" if stage == "Closed Lost" else None
        if row["kind"] == "aws_referral_rejected":
            return "Closed Lost", status, "Rejected", rng.choice(vocab.REJECTION_REASONS), None
        acceptance = "Accepted"
    else:
        acceptance = None
        status = rng.choices(("Approved", "Draft", "Submitted", "In review", "Rejected", "Action Required",
                              "Pending Submission"), (75, 5, 5, 5, 4, 4, 2))[0]
        if "status_api_value" not in ctx.planted:
            status = "Pending Submission"
        if status == "Pending Submission":
            ctx.mess("status_api_value", "opportunity", row["id"])
    if lead is None:
        stage = rng.choice(ace_open_stages())
    elif lead.outcome == "won":
        stage = "Launched"
    elif lead.outcome in ("lost", "archived"):
        stage = "Closed Lost"
    else:
        stage = rng.choice(ace_open_stages())
    lost = rng.choice(vocab.CLOSED_LOST_REASONS) if stage == "Closed Lost" else None
    return stage, status, acceptance, None, lost


def ace_open_stages() -> tuple[str, ...]:
    return ("Prospect", "Qualified", "Technical Validation", "Business Validation", "Committed")


def _target_close(ctx: Ctx, row: dict, stage: str, created: datetime) -> date:
    rng = ctx.rng
    lead: Lead | None = row.get("lead")
    if stage in ace_open_stages():
        # open deals close around the anchor: some within the POD window of 90 days, some beyond, some overdue
        return (ANCHOR + timedelta(days=rng.randint(-40, 220))).date()
    base = lead.deadline if lead and lead.deadline.year < 2090 and lead.deadline.year > 2000 else (created + timedelta(days=90)).date()
    return base + timedelta(days=rng.randint(-10, 20))


def _contact(ctx: Ctx, cust: Customer | None, domain: str, seq: int) -> tuple[str, str, str]:
    rng = ctx.rng
    if cust and cust.contacts and rng.random() < 0.7:
        _, first, last, email = cust.contacts[min(seq, len(cust.contacts) - 1)]
        return first, last, email
    first, last = names.person(rng)
    return first, last, f"{names.email_local(first, last, rng)}@{domain}"


def _owner_name(ctx: Ctx, login: str) -> str:
    local = login.split("@")[0]
    return " ".join(part.capitalize() for part in local.replace(".", " ").split()) or local


def _aws_person(ctx: Ctx) -> str:
    return f"{ctx.rng.choice(vocab.AWS_PEOPLE_FIRST)} {ctx.rng.choice(vocab.AWS_PEOPLE_LAST)}"


def _country_name(code: str) -> str:
    return next(c[1] for c in vocab.COUNTRIES if c[0] == code)


def build_users(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    """Partner Central users: most logins equal the Odoo login, some kept an old address."""
    rng = ctx.rng
    users = ctx.table("apn", "users", cols["users"])
    for k, uid in enumerate(ctx.user_ids):
        login = ctx.user_logins[uid]
        email = login if rng.random() < 0.85 else login.replace("@", ".old@")
        if email != login:
            ctx.mess("apn_user_email_differs", "users", email)
        apn_id = f"005{rng.randrange(16**12):012x}"
        first, _, last = ctx.user_names[uid].partition(" ")
        created = utc(datetime(2021, 3, 1) + timedelta(days=rng.randint(0, 900)))
        role = vocab.APN_ROLES[0] if k == 0 else rng.choice(vocab.APN_ROLES[1:])
        add_row(users, id=apn_id, email=email, first_name=first, last_name=last, title=rng.choice(("Account Executive", "Solutions Architect", "Alliance Manager")),
                role=role, is_alliance_lead=k == 0, is_active=rng.random() < 0.9,
                last_login_date=utc(ANCHOR - timedelta(days=rng.randint(0, 60))), created_date=created,
                last_modified_date=created + timedelta(days=rng.randint(0, 300)))
        ctx.apn_user_ids.append(apn_id)
        ctx.apn_user_by_login[email] = apn_id
