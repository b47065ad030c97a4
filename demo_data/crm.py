"""Odoo CRM leads and opportunities: planned first (ACE registrations refer to them), written last."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from demo_data import names, vocab
from demo_data.model import ACE_START, ANCHOR, CRM_START, Ctx, Customer, Lead, add_row

CATEGORY_WORKLOADS = {
    "MAP Assess Plan": ("Migration", "Windows Migration", "SAP on AWS", "Database Modernization", "Data Warehouse"),
    "WAR - Well-Architected Review": ("Well-Architected Review", "Security Baseline", "Cost Optimization"),
    "Custom Projects": vocab.WORKLOADS,
    "Managed Services": ("24/7 Operations", "Managed Kubernetes", "Landing Zone", "Backup & Archive"),
    "Hosting": ("Web Platform", "Video Streaming", "Hosting Renewal"),
    "ProServ": vocab.WORKLOADS,
    "SB - Funding Only": ("MAP Funding", "POC Credits", "Migration"),
    "Sales Broker - Contract": ("EDP Contract", "Private Pricing", "Reserved Capacity"),
}
LONG_TEXT = ("Lorem ipsum cloud migration dolor sit amet, consectetur adipiscing elit; " * 140)[:10000]


def company_as_typed(ctx: Ctx, cust: Customer) -> str:
    """How a rep writes the customer in a lead title: brand, legal name or legal name without suffix."""
    r = ctx.rng.random()
    if r < 0.4:
        return cust.brand
    if r < 0.75:
        return names.drop_suffix(cust.legal)
    return cust.odoo_name or cust.legal


def lead_title(ctx: Ctx, company: str, category: str, workload: str) -> str:
    rng = ctx.rng
    if rng.random() < 0.2:
        workload = f"{workload} {rng.choice(('Phase 2', '2025', 'Renewal', 'PoC', 'Wave 1', 'EU'))}"
    r = rng.random()
    if r < 0.5:
        return f"{company} - {category} - {workload}"
    if r < 0.8:
        return f"{company} [{category}] {workload}"
    if r < 0.9:
        return f"{company}: {workload}"
    if r < 0.95:
        return f"{workload} for {company}"
    return f"{category} - {company}"


def plan_leads(ctx: Ctx) -> None:
    """Decide every lead's customer, dates, outcome and title (ids in creation order)."""
    rng = ctx.rng
    n_opp, n_lead = ctx.n("crm_opportunities", 40), ctx.n("crm_leads", 10)
    many = next(c for c in ctx.customers if c.kind == "many_leads")
    weights = [rng.paretovariate(1.6) for _ in ctx.customers]
    plans: list[tuple[datetime, Customer | None, str]] = []
    many_n = max(8, int(round(40 * ctx.scale)))
    for k in range(many_n):  # one customer with many leads over the years
        moment = many.created + timedelta(days=int(k * ((ANCHOR - many.created).days - 10) / many_n))
        plans.append((moment + timedelta(hours=rng.randint(8, 18)), many, "opportunity"))
    others = [c for c in ctx.customers if c is not many]
    other_w = [w for c, w in zip(ctx.customers, weights) if c is not many]
    special = [c for c in others if c.kind in ("accented", "acronym", "lookalike")]
    for cust in special:  # name cases must reach ACE at any scale: one recent opportunity each
        start = max(cust.created, ACE_START)
        plans.append((start + (ANCHOR - start) * rng.uniform(0.2, 0.9), cust, "opportunity"))
    for kind, count in (("opportunity", n_opp - many_n - len(special)), ("lead", n_lead)):
        for _ in range(count):
            cust = None if (kind == "lead" and rng.random() < 0.3) else rng.choices(others, other_w)[0]
            start = max(CRM_START, cust.created) if cust else CRM_START
            # recent years carry more leads: skew towards the anchor
            span = (ANCHOR - timedelta(days=2) - start).total_seconds()
            moment = start + timedelta(seconds=int(span * (rng.random() ** 0.6)))
            plans.append((moment, cust, kind))
    plans.sort(key=lambda p: (p[0], p[1].idx if p[1] else -1, p[2]))
    for lead_id, (moment, cust, kind) in enumerate(plans, start=1):
        ctx.leads.append(_plan_one(ctx, lead_id, moment, cust, kind))


def _plan_one(ctx: Ctx, lead_id: int, moment: datetime, cust: Customer | None, kind: str) -> Lead:
    rng = ctx.rng
    category = rng.choice(vocab.LEAD_CATEGORIES)
    workload = rng.choice(CATEGORY_WORKLOADS[category])
    age = (ANCHOR - moment).days
    if kind == "lead":
        outcome = "open" if rng.random() < 0.5 else "archived"
    elif age > 270:
        outcome = rng.choices(("won", "lost", "open"), (35, 55, 10))[0]
    else:
        outcome = rng.choices(("won", "lost", "open"), (15, 25, 60))[0]
    origination = rng.choices(("partner_originated", "aws_originated", None), (45, 25, 30))[0]
    account = None
    if cust and cust.accounts and rng.random() < 0.55:
        account = rng.choice(cust.accounts[:3])
    company = company_as_typed(ctx, cust) if cust else f"{names.person(rng)[1]} {rng.choice(vocab.INDUSTRY_WORDS)}"
    lead = Lead(
        id=lead_id, customer_idx=cust.idx if cust else None, type=kind,
        name=lead_title(ctx, company, category, workload), create=moment,
        deadline=(moment + timedelta(days=rng.randint(20, 200))).date(), outcome=outcome,
        origination=origination, account_id=account, category=category, workload=workload,
        user_id=cust.user_id if cust and rng.random() < 0.8 else rng.choice(ctx.user_ids),
        team_id=rng.randint(1, 4) if kind == "opportunity" else 5,
        partner_id=None, expected_revenue=round(rng.lognormvariate(9.8, 1.1), 2),
    )
    if cust:
        cust.lead_ids.append(lead_id)
        r = rng.random()
        if r < 0.7:
            lead.partner_id = cust.partner_id
        elif r < 0.9 and cust.contacts:
            lead.partner_id = rng.choice(cust.contacts)[0]
    return lead


def add_duplicate(ctx: Ctx, lead: Lead) -> Lead:
    """A second lead for the same deal (a rep re-created it): both belong to the deal's ACE opportunity."""
    rng = ctx.rng
    moment = min(lead.create + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 9)), ANCHOR - timedelta(days=1))
    dup = Lead(
        id=0, customer_idx=lead.customer_idx, type="opportunity", name=lead.name.replace(" - ", " – ", 1) + " (copy)"
        if rng.random() < 0.5 else lead.name.lower(), create=moment, deadline=lead.deadline,
        outcome=rng.choice(("open", "lost")), origination=lead.origination, account_id=lead.account_id,
        category=lead.category, workload=lead.workload, user_id=rng.choice(ctx.user_ids), team_id=lead.team_id,
        partner_id=lead.partner_id, expected_revenue=lead.expected_revenue,
    )
    dup.id = len(ctx.leads) + 1
    ctx.leads.append(dup)
    if dup.customer_idx is not None:
        ctx.customers[dup.customer_idx].lead_ids.append(dup.id)
    ctx.mess("duplicate_record", "crm_lead", dup.id, f"duplicate of lead {lead.id}")
    return dup


def _description(ctx: Ctx, lead: Lead, cust: Customer | None) -> str | None:
    rng = ctx.rng
    r = rng.random()
    who = cust.brand if cust else "The prospect"
    text = (f"<p>{who} wants help with {lead.workload.lower()} on AWS ({lead.category}). "
            f"Current platform: {rng.choice(('on-prem VMware', 'Azure', 'colocation', 'GCP', 'bare metal'))}. "
            f"Budget owner: {rng.choice(vocab.JOB_TITLES)}.</p>")
    missing = [k for k in ("long_description", "emoji_text", "rtl_text", "sql_like_text") if k not in ctx.planted]
    if missing:  # every kind at least once, at any scale
        r = {"long_description": 0.125, "emoji_text": 0.135, "rtl_text": 0.145, "sql_like_text": 0.155}[missing[0]]
    if r < 0.12:
        return None
    if r < 0.13:
        ctx.mess("long_description", "crm_lead", lead.id)
        return "<p>" + LONG_TEXT + "</p>"
    if r < 0.14:
        ctx.mess("emoji_text", "crm_lead", lead.id)
        return text + "<p>🚀 Big one! 💰💰 ☁️ #TopDeal 👍</p>"
    if r < 0.15:
        ctx.mess("rtl_text", "crm_lead", lead.id)
        return text + "<p>הערות: הלקוח מעוניין בהגירה. ملاحظات: العميل مهتم بالترحيل</p>"
    if r < 0.16:
        ctx.mess("sql_like_text", "crm_lead", lead.id)
        return "<p>'; DELETE FROM crm_lead WHERE 1=1; -- \"quoted\" O'Brien's \\ backslash</p>"
    return text


def write_leads(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    rng = ctx.rng
    table = ctx.table("odoo", "crm_lead", cols["crm_lead"])
    ace_typed = _typed_ace_ids(ctx)
    for lead in ctx.leads:
        cust = ctx.customers[lead.customer_idx] if lead.customer_idx is not None else None
        won, lost = lead.outcome == "won", lead.outcome in ("lost", "archived")
        if won:
            stage, probability = 5, 100.0
        elif lost:
            stage, probability = rng.choice((1, 2, 3)), 0.0
        else:
            stage = rng.choice((1, 2, 3, 4)) if lead.type == "opportunity" else 1
            probability = float(rng.choice((10, 20, 30, 50, 60, 70, 90)))
            if rng.random() < 0.03:
                stage = 6
        closed = None
        if won or lost:
            closed = min(ANCHOR - timedelta(hours=1), lead.create + timedelta(days=rng.randint(5, 300)))
        write = ctx.when(closed or lead.create, ANCHOR - timedelta(minutes=5)) if rng.random() < 0.7 else (closed or lead.create)
        contact = None
        if cust and cust.contacts:
            contact = rng.choice(cust.contacts)
        email = contact[3] if contact and rng.random() < 0.75 else None
        domain = email.split("@")[1] if email else None
        website = None
        if cust:
            website = rng.choice((cust.website_odoo, cust.domain, f"https://{cust.domain}", None))
        partner_name = None
        if cust:
            partner_name = rng.choice((cust.odoo_name, cust.legal, cust.brand, names.typo(rng, cust.brand), None))
            if partner_name is None:
                ctx.mess("null_name", "crm_lead", lead.id, "partner_name empty")
        deadline = lead.deadline
        if ctx.chance(0.004, "future_date"):
            deadline = date(2099, 12, 31)
            ctx.mess("future_date", "crm_lead", lead.id, "date_deadline 2099")
        elif ctx.chance(0.004, "ancient_date"):
            deadline = date(1900, 1, 1)
            ctx.mess("ancient_date", "crm_lead", lead.id, "date_deadline 1900")
        revenue = lead.expected_revenue
        typed = ace_typed.get(lead.id)
        add_row(
            table, id=lead.id, name=lead.name, type=lead.type, active=not lost, priority=rng.choice("0012"),
            stage_id=stage, team_id=lead.team_id, user_id=lead.user_id, company_id=1, partner_id=lead.partner_id,
            partner_name=partner_name, contact_name=f"{contact[1]} {contact[2]}" if contact else None,
            email_from=email, email_normalized=email.lower() if email else None,
            email_domain_criterion=domain if domain and domain not in vocab.GENERIC_MAIL_DOMAINS else None,
            phone=None, website=website, street=cust.street if cust else None, zip=cust.zip if cust else None,
            city=cust.city if cust else None, state_id=cust.state_id if cust else None,
            country_id=cust.country_id if cust else None, description=_description(ctx, lead, cust),
            referred=rng.choice((None, None, "AWS", "Partner event", "Website")),
            expected_revenue=revenue, prorated_revenue=round(revenue * probability / 100, 2),
            recurring_revenue=round(revenue / 12, 2) if lead.category in ("Managed Services", "Hosting") else None,
            recurring_plan=1 if lead.category in ("Managed Services", "Hosting") else None,
            recurring_revenue_monthly=round(revenue / 12, 2) if lead.category in ("Managed Services", "Hosting") else None,
            probability=probability, automated_probability=round(rng.uniform(2, 95), 2), date_deadline=deadline,
            date_open=lead.create + timedelta(minutes=rng.randint(1, 600)), date_closed=closed,
            date_conversion=lead.create + timedelta(days=rng.randint(0, 10)) if lead.type == "opportunity" else None,
            date_last_stage_update=closed or lead.create + timedelta(days=rng.randint(0, 20)),
            lost_reason_id=rng.choice((1, 2, 3, 4, 5, 6, 7)) if lost and rng.random() < 0.85 else None,
            lead_properties=None, campaign_id=rng.choice((None, None, 1, 2, 3)), source_id=rng.choice((None, 1, 2, 3)),
            medium_id=rng.choice((None, 1, 2)), c_aws_account_id=lead.account_id, c_origination=lead.origination,
            c_aws_account_manager=_aws_person(ctx) if rng.random() < 0.4 else None,
            c_aws_psm=_aws_person(ctx) if rng.random() < 0.25 else None, x_studio_ace_opportunity_id=typed,
            create_uid=lead.user_id, create_date=lead.create, write_uid=lead.user_id,
            write_date=max(write, lead.create),
        )
        if lead.customer_idx is not None and lead.partner_id is None:
            ctx.mess("lead_without_partner", "crm_lead", lead.id)


def _aws_person(ctx: Ctx) -> str:
    return f"{ctx.rng.choice(vocab.AWS_PEOPLE_FIRST)} {ctx.rng.choice(vocab.AWS_PEOPLE_LAST)}"


def _typed_ace_ids(ctx: Ctx) -> dict[int, str]:
    """x_studio_ace_opportunity_id as reps type it: sparse and often malformed."""
    rng = ctx.rng
    typed: dict[int, str] = {}
    keyless = {row["id"] for row in ctx.ace_rows if row.get("situation") == "name_only"}  # demo/situations.py
    for lead in ctx.leads:
        skip = rng.random() > 0.35
        if lead.ace_ids and lead.ace_ids[0] in keyless:
            continue
        if not lead.ace_ids or (skip and not (len(lead.ace_ids) > 1 and "ace_id_two_ids" not in ctx.planted)):
            continue
        ace = lead.ace_ids[0]
        r = rng.random()
        forced = [k for k, bound in (("ace_id_lowercase", 0.0), ("ace_id_spaces", 0.12), ("ace_id_missing_o", 0.22),
                                     ("ace_id_prefix", 0.32)) if k not in ctx.planted]
        if forced:
            r = {"ace_id_lowercase": 0.05, "ace_id_spaces": 0.15, "ace_id_missing_o": 0.25, "ace_id_prefix": 0.35}[forced[0]]
        kind = "ace_id_clean"
        value = ace
        if r < 0.12:
            value, kind = ace.lower(), "ace_id_lowercase"
        elif r < 0.22:
            value, kind = f" {ace[:4]} {ace[4:]} ", "ace_id_spaces"
        elif r < 0.32:
            value, kind = ace[1:], "ace_id_missing_o"
        elif r < 0.42:
            value, kind = f"ACE {ace}", "ace_id_prefix"
        elif len(lead.ace_ids) > 1 and (r < 0.50 or "ace_id_two_ids" not in ctx.planted):
            value, kind = f"{lead.ace_ids[0]}, {lead.ace_ids[1]}", "ace_id_two_ids"
        elif r < 0.53:
            value, kind = f"{ace} / {rng.choice(('renewal', 'see FR', 'tbc'))}", "ace_id_with_text"
        typed[lead.id] = value
        ctx.mess(kind, "crm_lead", lead.id)
    return typed
