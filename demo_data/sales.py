"""Sale orders, their lines and delivery projects (Odoo), and AWS funding on both sides."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from demo_data import vocab
from demo_data.model import ANCHOR, Ctx, add_row, utc
from demo_data.world import jname

EU = {"DE", "FR", "NL", "AT", "ES", "IT", "IE"}
CATEGORY_PRODUCTS = {
    "MAP Assess Plan": (("map_assess", 1), ("proserv_day", 5)),
    "WAR - Well-Architected Review": (("war", 1),),
    "Custom Projects": (("proserv_day", 20),),
    "Managed Services": (("managed_gold", 12), ("mgmt_fee", 12)),
    "Hosting": (("hosting", 12),),
    "ProServ": (("proserv_day", 30),),
    "SB - Funding Only": (("funding_only", 1),),
    "Sales Broker - Contract": (("broker", 1),),
}
PRICES = {"managed_gold": 4500.0, "managed_silver": 1800.0, "proserv_day": 1450.0, "map_assess": 15000.0,
          "war": 6000.0, "hosting": 950.0, "funding_only": 0.0, "broker": 2500.0, "mgmt_fee": 99.0}


@dataclass
class Order:
    id: int
    name: str
    customer_idx: int
    date: datetime
    currency_id: int
    recurring: bool
    user_id: int
    lines: list[tuple[int, str, float, float]] = field(default_factory=list)  # line id, product key, qty, price


def build_orders(ctx: Ctx, cols: dict[str, list[str]]) -> list[Order]:
    rng = ctx.rng
    orders_t = ctx.table("odoo", "sale_order", cols["sale_order"])
    lines_t = ctx.table("odoo", "sale_order_line", cols["sale_order_line"])
    projects_t = ctx.table("odoo", "project_project", cols["project_project"])
    plans = []
    for lead in ctx.leads:
        if lead.customer_idx is None:
            continue
        p = {"won": 0.85, "open": 0.15, "lost": 0.05}.get(lead.outcome, 0.0)
        if rng.random() < p:
            plans.append(lead)
    orders: list[Order] = []
    line_id = project_id = 0
    for oid, lead in enumerate(plans, start=1):
        cust = ctx.customers[lead.customer_idx]
        state = {"won": "sale", "open": rng.choice(("draft", "sent")), "lost": "cancel"}[lead.outcome]
        moment = min(lead.create + timedelta(days=rng.randint(3, 90)), ANCHOR - timedelta(days=1))
        currency = 1 if cust.country in EU else 2
        order = Order(oid, f"S{oid:05d}", cust.idx, moment, currency, lead.category in ("Managed Services", "Hosting"),
                      lead.user_id)
        subtotal = 0.0
        section = rng.random() < 0.3
        seq = 10
        if section:
            line_id += 1
            add_row(lines_t, id=line_id, order_id=oid, sequence=seq, name=lead.category, display_type="line_section",
                    product_uom_qty=0.0, price_unit=0.0, customer_lead=0.0, state=state, order_partner_id=cust.partner_id,
                    salesman_id=lead.user_id, company_id=1, currency_id=currency, create_uid=lead.user_id,
                    create_date=moment, write_uid=lead.user_id, write_date=moment)
        for key, qty in CATEGORY_PRODUCTS[lead.category]:
            seq += 10
            line_id += 1
            qty = float(qty if key not in ("proserv_day",) else max(1, int(qty * rng.uniform(0.3, 2.0))))
            price = round(PRICES[key] * rng.choice((1.0, 1.0, 0.9, 1.1)), 2)  # Odoo rounds to "Product Price" digits
            amount = round(qty * price, 2)
            subtotal += amount
            invoiced = qty if state == "sale" and rng.random() < 0.6 else 0.0
            pid = ctx.products[key]
            add_row(lines_t, id=line_id, order_id=oid, sequence=seq, name=ctx.product_names[pid], display_type=None,
                    product_id=pid, product_uom=1, product_uom_qty=qty, price_unit=price, discount=0.0,
                    price_subtotal=amount, price_tax=0.0, price_total=amount, price_reduce_taxexcl=price,
                    qty_delivered=invoiced, qty_delivered_method="manual", qty_invoiced=invoiced,
                    qty_to_invoice=qty - invoiced if state == "sale" else 0.0,
                    untaxed_amount_invoiced=round(invoiced * price, 2),
                    untaxed_amount_to_invoice=round((qty - invoiced) * price, 2) if state == "sale" else 0.0,
                    invoice_status="invoiced" if invoiced == qty and state == "sale" else ("to invoice" if state == "sale" else "no"),
                    state=state, is_downpayment=False, is_expense=False,
                    analytic_distribution=json.dumps({str(100 + cust.idx): 100.0}),
                    customer_lead=0.0, order_partner_id=cust.partner_id, salesman_id=lead.user_id, company_id=1,
                    currency_id=currency, create_uid=lead.user_id, create_date=moment, write_uid=lead.user_id,
                    write_date=moment + timedelta(days=rng.randint(0, 30)) if moment < ANCHOR - timedelta(days=31) else moment)
            order.lines.append((line_id, key, qty, price))
            if state == "sale" and key in ("proserv_day", "map_assess", "war", "managed_gold", "hosting") and rng.random() < 0.7:
                project_id += 1
                add_row(projects_t, id=project_id, name=jname(f"{cust.brand} - {lead.workload}"), active=rng.random() < 0.8,
                        sequence=project_id, partner_id=cust.partner_id, company_id=1, user_id=lead.user_id,
                        stage_id=rng.randint(1, 4), date_start=moment.date() + timedelta(days=7),
                        date=moment.date() + timedelta(days=rng.randint(30, 365)),
                        description=f"<p>{lead.name}</p>", privacy_visibility=rng.choice(("followers", "employees", "portal")),
                        last_update_status=rng.choice(("on_track", "at_risk", "off_track", "on_hold", "to_define", "done")),
                        analytic_account_id=100 + cust.idx, sale_line_id=line_id, allow_billable=True, color=project_id % 11,
                        create_uid=lead.user_id, create_date=moment, write_uid=lead.user_id, write_date=moment)
                lines_t["project_id"][-1] = project_id
        subtotal = round(subtotal, 2)
        orders.append(order)
        add_row(orders_t, id=oid, name=order.name, state=state, locked=state == "sale" and rng.random() < 0.3,
                date_order=moment, validity_date=moment.date() + timedelta(days=30),
                commitment_date=None, partner_id=cust.partner_id, partner_invoice_id=cust.partner_id,
                partner_shipping_id=cust.partner_id, opportunity_id=lead.id if rng.random() < 0.92 else None,
                user_id=lead.user_id, team_id=lead.team_id, company_id=1, pricelist_id=currency, currency_id=currency,
                currency_rate=1.0 if currency == 2 else 0.925, payment_term_id=2, fiscal_position_id=None,
                analytic_account_id=100 + cust.idx, journal_id=1, origin=lead.name[:60],
                client_order_ref=f"PO-{rng.randint(10000, 99999)}" if rng.random() < 0.4 else None,
                reference=None, invoice_status="invoiced" if state == "sale" else "no", amount_untaxed=subtotal,
                amount_tax=0.0, amount_total=subtotal, amount_to_invoice=subtotal if state == "sale" else 0.0,
                note="<p>Payment within 30 days.</p>", signed_on=moment + timedelta(days=2) if state == "sale" else None,
                campaign_id=None, source_id=None, medium_id=None, create_uid=lead.user_id, create_date=moment,
                write_uid=lead.user_id, write_date=moment + timedelta(days=rng.randint(0, 20)) if moment < ANCHOR - timedelta(days=21) else moment)
    return orders


# ------------------------------------------------------------------------------------------------
# Funding (APN funding_request / history / cash_claim and Odoo c_aws_funding_request)
# ------------------------------------------------------------------------------------------------

def build_funding(ctx: Ctx, cols: dict[str, list[str]]) -> None:
    rng = ctx.rng
    fr_t = ctx.table("apn", "funding_request", cols["funding_request"])
    hist_t = ctx.table("apn", "funding_request_history", cols["funding_request_history"])
    claim_t = ctx.table("apn", "cash_claim", cols["cash_claim"])
    odoo_t = ctx.table("odoo", "c_aws_funding_request", cols["c_aws_funding_request"])
    n = max(6, int(round(650 * ctx.scale)))
    candidates = [row for row in ctx.ace_rows if row.get("lead") and row["kind"] == "linked"]
    chosen = sorted(rng.sample(candidates, min(n, len(candidates))), key=lambda r: r["id"])
    hist_id = 0
    odoo_id = 0
    for k, row in enumerate(chosen):
        program, key = rng.choice(vocab.FUNDING_PROGRAMS)
        created = row["created"] + timedelta(days=rng.randint(5, 60))
        if created >= ANCHOR:
            created = ANCHOR - timedelta(days=1, hours=rng.randint(1, 20))
        stage_i = rng.randint(0, len(vocab.FUNDING_STAGES) - 1)
        stage = vocab.FUNDING_STAGES[stage_i]
        status = "Completed" if stage == "Completed" else rng.choices(("Active", "Pending", "Terminated", "Expired"), (70, 15, 10, 5))[0]
        ftype = rng.choice(("Cash", "Credits", "Cash and Credits"))
        cash = round(rng.uniform(5000, 120000), 2) if ftype != "Credits" else None
        credits = round(rng.uniform(2000, 80000), 2) if ftype != "Cash" else None
        approved = stage_i >= 4
        fr_id = f"FR-{created.year}-{100000 + k:06d}"
        cust = row["customer"]
        modified = ctx.when(created, ANCHOR - timedelta(minutes=30))
        add_row(fr_t, id=fr_id, opportunity_id=row["id"] if rng.random() < 0.95 else None, program=program,
                activity_name=f"{cust.brand} {program} {row['lead'].workload}", funding_type=ftype, stage=stage,
                status=status, customer_company_name=cust.legal,
                aws_account_id=ctx.accounts[cust.accounts[0] - 1].aws_account_id if cust.accounts else None,
                requested_cash_amount=cash, requested_credit_amount=credits,
                approved_cash_amount=cash if approved and cash else None,
                approved_credit_amount=credits if approved and credits else None, currency_code="USD",
                po_number=f"PO{rng.randint(10**8, 10**9)}" if approved and cash else None,
                project_start_date=created.date() + timedelta(days=14), project_end_date=created.date() + timedelta(days=120),
                submitted_date=utc(created + timedelta(days=1)) if stage_i >= 1 else None,
                owner_user_id=rng.choice(ctx.apn_user_ids), created_date=utc(created), last_modified_date=utc(modified))
        moment = created
        for step in range(1, stage_i + 1):
            hist_id += 1
            moment = moment + timedelta(days=rng.randint(1, 12))
            add_row(hist_t, id=hist_id, funding_request_id=fr_id, changed_date=utc(min(moment, modified)),
                    field_name="stage", old_value=vocab.FUNDING_STAGES[step - 1], new_value=vocab.FUNDING_STAGES[step],
                    changed_by="AWS" if step >= 2 else ctx.user_names[ctx.user_ids[0]], comment=None)
        if stage in ("Cash Claim", "Completed") and cash:
            for seq in range(1, (3 if key == "map_migrate" else 1) + 1):
                claim_status = "Paid" if stage == "Completed" else rng.choice(("Draft", "Pending Approval", "Approved", "Rejected"))
                paid = claim_status == "Paid"
                claimed = round(cash / seq * rng.uniform(0.8, 1.0), 2)
                add_row(claim_t, id=f"CC-{fr_id[3:]}-{seq}", funding_request_id=fr_id, claim_sequence=seq,
                        status=claim_status, claim_amount=claimed,
                        approved_amount=claimed if claim_status in ("Approved", "Paid") else None, currency_code="USD",
                        invoice_number=f"INV-AWS-{rng.randint(1000, 9999)}" if claim_status in ("Approved", "Paid") else None,
                        invoice_date=modified.date() if claim_status in ("Approved", "Paid") else None,
                        submitted_date=utc(modified - timedelta(days=5)) if claim_status != "Draft" else None,
                        approved_date=utc(modified - timedelta(days=2)) if claim_status in ("Approved", "Paid") else None,
                        paid_date=modified.date() if paid else None, created_date=utc(modified - timedelta(days=6)),
                        last_modified_date=utc(modified))
        if rng.random() < 0.7:  # tracked in Odoo too, ids typed by hand
            odoo_id += 1
            typed_fr = fr_id if rng.random() < 0.8 else fr_id.lower().replace("-", " ")
            typed_ace = row["id"] if rng.random() < 0.7 else row["id"][1:]
            state = {"Completed": "paid", "Cash Claim": "claimed"}.get(stage, "approved" if approved else "submitted")
            if status in ("Terminated", "Expired"):
                state = "cancelled"
            when = created.replace(tzinfo=None) + timedelta(hours=3)
            add_row(odoo_t, id=odoo_id, name=f"FUND/{created.year}/{odoo_id:04d}", apn_funding_request_id=typed_fr,
                    ace_opportunity_id=typed_ace, lead_id=row["lead"].id, partner_id=cust.partner_id,
                    c_aws_account_id=cust.accounts[0] if cust.accounts else None, program=key,
                    funding_type={"Cash": "cash", "Credits": "credits"}.get(ftype, "cash_credits"), state=state,
                    amount_requested=(cash or 0) + (credits or 0), amount_approved=((cash or 0) + (credits or 0)) if approved else None,
                    amount_claimed=cash if stage in ("Cash Claim", "Completed") else None,
                    amount_received=cash if stage == "Completed" else None, currency_id=2,
                    date_submitted=created.date() + timedelta(days=1), date_approved=created.date() + timedelta(days=20) if approved else None,
                    date_start=created.date() + timedelta(days=14), date_end=created.date() + timedelta(days=120),
                    user_id=row["lead"].user_id, company_id=1, description=None, active=state != "cancelled",
                    create_uid=row["lead"].user_id, create_date=when, write_uid=row["lead"].user_id,
                    write_date=min(ANCHOR, when + timedelta(days=rng.randint(0, 60))))
