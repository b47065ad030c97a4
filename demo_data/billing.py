"""AWS cost (c_billing_internal_cur), invoice staging (c_billing_bill/_line), customer invoices and
credit notes (account_move/_line) and SPP vendor bills, generated with numpy and streamed by COPY.

Consistency the Cost Explorer can rely on, and the planted exceptions it must find:
- unblended_cost = usage_cost + discount_amount + credit_amount + refund_amount + tax_amount (2 dp);
- per account x service x month, the billed lines' aws_cost sum to the CUR unblended_cost;
- price_subtotal = aws_cost * (1 + markup_percent / 100) on usage/support/marketplace lines, credits,
  refunds and AWS tax pass through at cost;
- exceptions are listed in truth.billing_discrepancies: not_billed, under_billed, invoice_without_cost,
  credited_invoice, bill_without_invoice.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa

from demo_data import vocab
from demo_data.copyio import copy_columns
from demo_data.model import (
    ANCHOR, CUR_MONTHS, FIRST_CUR_MONTH, LAST_INVOICED_MONTH, Ctx, month_add, months_between,
)
from demo_data.sales import Order

N_INVOICED = months_between(FIRST_CUR_MONTH, LAST_INVOICED_MONTH) + 1
MONTHS = [month_add(FIRST_CUR_MONTH, m) for m in range(CUR_MONTHS)]
SVC_CODES = [s[0] for s in vocab.SERVICES] + [m[0] for m in vocab.MARKETPLACE_CODES]
SVC_NAMES = [s[1] for s in vocab.SERVICES] + [m[1] for m in vocab.MARKETPLACE_CODES]
SVC_WEIGHTS = np.array([s[2] for s in vocab.SERVICES] + [1.0] * len(vocab.MARKETPLACE_CODES))
SUPPORT = {SVC_CODES.index("AWSSupportBusiness"), SVC_CODES.index("AWSSupportEnterprise")}
MARKET = set(range(len(vocab.SERVICES), len(SVC_CODES)))
GENERAL = np.array([i for i in range(len(vocab.SERVICES)) if i not in SUPPORT])
US_STATE_TAX = {"TX": 8.25, "NY": 8.875, "WA": 10.1, "IL": 6.25, "FL": 6.0, "GA": 4.0, "MA": 6.25, "CO": 2.9}
USD, EUR = 2, 1
EUR_RATE = 1.08  # company currency (USD) per EUR, fixed for the demo
INCOME_ACCOUNT, RECEIVABLE, TAX_ACCOUNT, EXPENSE, PAYABLE = 400100, 121000, 251000, 500100, 211000
FLUSH_ROWS = 150_000


@dataclass
class Cur:
    """CUR rows, sorted by (month, account, service); account 0 = unknown usage account."""

    account: np.ndarray
    service: np.ndarray
    month: np.ndarray
    usage: np.ndarray
    discount: np.ndarray
    credit: np.ndarray
    refund: np.ndarray
    tax: np.ndarray
    unblended: np.ndarray
    usage_account: np.ndarray  # object: 12-digit strings
    payer_account: np.ndarray


@dataclass
class Move:
    kind: str  # resale | service | refund | vendor
    day: date
    order: tuple
    partner_id: int
    user_id: int | None
    currency_id: int = USD
    period: date | None = None
    origin: str | None = None
    reversed_of: "Move | None" = None
    bill: "Bill | None" = None
    service_order: Order | None = None
    spp: dict | None = None
    customer_idx: int | None = None
    id: int = 0
    name: str = "/"
    untaxed: float = 0.0
    tax: float = 0.0
    credited: bool = False
    tax_rate: float = 0.0
    state: str = "posted"


@dataclass
class Bill:
    id: int
    unit: int
    account_id: int
    partner_id: int
    customer_idx: int
    month: int
    consolidated: bool
    members: list[int]
    markup: float
    move: Move | None = None
    state: str = "invoiced"
    synthetic_from: int | None = None  # month whose CUR rows are re-billed (invoice without cost)
    aws_cost: float = 0.0
    untaxed: float = 0.0
    tax: float = 0.0


@dataclass
class Plan:
    bills: list[Bill] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    not_billed: set[tuple[int, int]] = field(default_factory=set)  # (account id, month)
    under: dict[tuple[int, int], float] = field(default_factory=dict)  # (account id, month) -> factor


# ------------------------------------------------------------------------------------------------
# CUR
# ------------------------------------------------------------------------------------------------

def build_cur(ctx: Ctx) -> Cur:
    rng = np.random.default_rng([ctx.seed, 11])
    target = ctx.n("cur_rows", 300)
    accounts = [a for a in ctx.accounts if a.level > 0]
    spans = []
    for acc in accounts:
        first = max(0, months_between(FIRST_CUR_MONTH, acc.joined.replace(day=1)))
        end = CUR_MONTHS if acc.closed is None else max(0, min(CUR_MONTHS, months_between(FIRST_CUR_MONTH, acc.closed)))
        spans.append((first, max(first, end)))
    levels = np.array([a.level for a in accounts])
    factor = np.clip((levels / np.median(levels)) ** 0.35, 0.4, 2.5)
    exposure = sum(f * (e - s) * 0.88 for f, (s, e) in zip(factor, spans))
    k_base = target / max(exposure, 1.0)
    parts: list[tuple] = []
    general_w = SVC_WEIGHTS[GENERAL] / SVC_WEIGHTS[GENERAL].sum()
    for acc, f, (first, end) in zip(accounts, factor, spans):
        if end <= first:
            continue
        cust = ctx.customers[acc.customer_idx]
        boundary = cust.tier == "boundary"
        k = int(np.clip(round(k_base * f), 2, len(GENERAL)))
        services = list(rng.choice(GENERAL, size=k, replace=False, p=general_w))
        if acc.support_plan in ("business", "enterprise_on_ramp"):
            services.append(SVC_CODES.index("AWSSupportBusiness"))
        elif acc.support_plan == "enterprise":
            services.append(SVC_CODES.index("AWSSupportEnterprise"))
        if rng.random() < 0.08 and not boundary:
            services.append(len(vocab.SERVICES) + int(rng.integers(0, len(vocab.MARKETPLACE_CODES))))
        services_a = np.array(services)
        weights = SVC_WEIGHTS[services_a] * rng.gamma(2.0, 0.5, size=len(services_a))
        weights = weights / weights.sum()
        span = end - first
        starts = np.where((rng.random(len(services_a)) < 0.7) | boundary, first,
                          first + rng.integers(0, span, size=len(services_a)))
        growth = 0.0 if boundary else rng.uniform(-0.15, 0.5)
        sigma = 0.02 if boundary else 0.25
        months = np.arange(first, end)
        grid_s, grid_m = np.meshgrid(np.arange(len(services_a)), months, indexing="ij")
        keep = grid_m >= starts[grid_s]
        s_idx, m_idx = grid_s[keep], grid_m[keep]
        usage = acc.level * weights[s_idx] * (1 + growth) ** ((m_idx - first) / 12.0)
        usage = usage * rng.lognormal(0.0, sigma, size=len(usage))
        parts.append((np.full(len(usage), acc.id), services_a[s_idx], m_idx, usage))
    parts.extend(_unknown_accounts(ctx, rng))
    account = np.concatenate([p[0] for p in parts]).astype(np.int64)
    service = np.concatenate([p[1] for p in parts]).astype(np.int64)
    month = np.concatenate([p[2] for p in parts]).astype(np.int64)
    usage = np.concatenate([p[3] for p in parts])
    order = np.lexsort((service, account, month))
    account, service, month, usage = account[order], service[order], month[order], np.round(usage[order], 2)
    return _amounts(ctx, rng, account, service, month, usage)


def _unknown_accounts(ctx: Ctx, rng: np.random.Generator) -> list[tuple]:
    """Usage accounts AWS reports that Odoo does not know (c_aws_account_id NULL)."""
    parts = []
    for k in range(max(1, int(round(3 * ctx.scale)))):
        services = rng.choice(GENERAL, size=4, replace=False)
        first = int(rng.integers(0, CUR_MONTHS - 4))
        s, m = np.meshgrid(np.arange(4), np.arange(first, CUR_MONTHS), indexing="ij")
        usage = rng.uniform(5, 400, size=s.size)
        parts.append((np.full(s.size, -(k + 1)), services[s.ravel()], m.ravel(), usage))
    return parts


def _amounts(ctx: Ctx, rng: np.random.Generator, account, service, month, usage) -> Cur:
    n = len(account)
    by_id = {a.id: a for a in ctx.accounts}
    acc_ids = np.unique(account)
    disc_rate, tax_rate, boundary = {}, {}, {}
    usage_ids, payer_ids = {}, {}
    spp_payer = next((a for a in ctx.accounts if a.is_payer and a.is_spp), ctx.accounts[0])
    for aid in acc_ids:
        aid = int(aid)
        if aid <= 0:
            disc_rate[aid], tax_rate[aid], boundary[aid] = 0.0, 0.0, False
            usage_ids[aid] = f"{(ctx.seed * 7919 + 104729 * -aid) % 10**12:012d}"
            payer_ids[aid] = spp_payer.aws_account_id
            continue
        acc = by_id[aid]
        cust = ctx.customers[acc.customer_idx]
        payer = by_id.get(acc.payer_id) if acc.payer_id else acc
        boundary[aid] = cust.tier == "boundary"
        rate = (0.06 if payer.is_spp else 0.0) + (rng.choice((0.0, 0.03, 0.06, 0.1)) if cust.tier == "large" else 0.0)
        disc_rate[aid] = 0.0 if boundary[aid] else rate
        tax_rate[aid] = US_STATE_TAX.get(_state_code(ctx, cust), 0.0) / 100 if cust.country == "US" and not boundary[aid] else 0.0
        usage_ids[aid] = acc.aws_account_id
        payer_ids[aid] = payer.aws_account_id
    pick = lambda table: np.array([table[int(a)] for a in acc_ids])  # noqa: E731
    pos = np.searchsorted(acc_ids, account)
    is_boundary = pick(boundary)[pos]
    # a few corrections arrive as negative usage
    negative = rng.random(n) < 0.0004
    negative[int(rng.integers(0, n))] = True
    negative &= ~is_boundary
    usage = np.where(negative, -usage, usage)
    discount = -np.round(np.abs(usage) * pick(disc_rate)[pos], 2)  # contract: discounts are <= 0
    credit_mask = (rng.random(n) < 0.04) & ~is_boundary
    credit = -np.round(np.where(credit_mask, np.abs(usage) * rng.uniform(0.2, 1.0, n), 0.0), 2)
    refund_mask = (rng.random(n) < 0.007) & ~is_boundary
    refund = -np.round(np.where(refund_mask, np.abs(usage) * rng.uniform(0.05, 0.5, n), 0.0), 2)
    tax = np.round(np.maximum(0.0, usage + discount + credit) * pick(tax_rate)[pos], 2)
    unblended = np.round(usage + discount + credit + refund + tax, 2)
    usage_account = np.array([usage_ids[int(a)] for a in acc_ids], dtype=object)[pos]
    payer_account = np.array([payer_ids[int(a)] for a in acc_ids], dtype=object)[pos]
    cur = Cur(account, service, month, usage, discount, credit, refund, tax, unblended, usage_account, payer_account)
    for i in np.flatnonzero(negative):
        ctx.mess("negative_cost", "c_billing_internal_cur", int(i) + 1, "usage_cost below zero")
    for k in range(1, max(1, int(round(3 * ctx.scale))) + 1):
        ctx.mess("unknown_usage_account", "c_billing_internal_cur", usage_ids[-k])
    _spend(ctx, cur)
    return cur


def _state_code(ctx: Ctx, cust) -> str | None:
    if cust.state_id is None:
        return None
    return vocab.STATES[cust.state_id - 1][1]


def _spend(ctx: Ctx, cur: Cur) -> None:
    """Customer x month unblended cost (for truth.pod_inputs)."""
    cust_of = {a.id: a.customer_idx for a in ctx.accounts}
    known = cur.account > 0
    cust = np.array([cust_of[int(a)] for a in cur.account[known]])
    keys = cust * CUR_MONTHS + cur.month[known]
    sums = np.bincount(keys, weights=cur.unblended[known])
    for key in np.flatnonzero(sums):
        ctx.spend[(int(key // CUR_MONTHS), MONTHS[int(key % CUR_MONTHS)])] = round(float(sums[key]), 2)


def write_cur(ctx: Ctx, cur_db, cur: Cur) -> int:
    n = len(cur.account)
    ids = np.arange(1, n + 1)
    periods = np.array(MONTHS, dtype="datetime64[D]")[cur.month]
    created = periods.astype("datetime64[s]") + np.timedelta64(31 + 3, "D") + np.timedelta64(5, "h")
    created = np.minimum(created, np.datetime64(ANCHOR - timedelta(hours=1), "s"))
    # later months are re-imported while AWS finalises the bill
    rewritten = np.minimum(created + np.timedelta64(4, "D"), np.datetime64(ANCHOR - timedelta(minutes=30), "s"))
    write = np.where(cur.month >= CUR_MONTHS - 2, rewritten, created)
    names = np.array(SVC_NAMES, dtype=object)
    codes = np.array(SVC_CODES, dtype=object)
    entity = np.where(np.isin(cur.service, list(MARKET)), "AWS Marketplace", "AWS").astype(object)
    for lo in range(0, n, FLUSH_ROWS):
        sl = slice(lo, min(n, lo + FLUSH_ROWS))
        account = cur.account[sl]
        copy_columns(cur_db, "c_billing_internal_cur", {
            "id": ids[sl],
            "c_aws_account_id": pa.array(np.where(account > 0, account, 0), mask=account <= 0),
            "usage_account_id": cur.usage_account[sl].tolist(),
            "payer_account_id": cur.payer_account[sl].tolist(),
            "billing_period": periods[sl],
            "service_code": codes[cur.service[sl]].tolist(),
            "service_name": names[cur.service[sl]].tolist(),
            "billing_entity": entity[sl].tolist(),
            "usage_cost": cur.usage[sl], "discount_amount": cur.discount[sl], "credit_amount": cur.credit[sl],
            "refund_amount": cur.refund[sl], "tax_amount": cur.tax[sl], "unblended_cost": cur.unblended[sl],
            "currency_code": pa.array(np.full(sl.stop - sl.start, "USD", dtype=object).tolist()),
            "create_uid": np.full(sl.stop - sl.start, 1), "create_date": created[sl],
            "write_uid": np.full(sl.stop - sl.start, 1), "write_date": write[sl],
        }, freeze=True)
    return n


# ------------------------------------------------------------------------------------------------
# Planning: bills, invoices, credit notes, vendor bills
# ------------------------------------------------------------------------------------------------

def plan_billing(ctx: Ctx, cur: Cur, orders: list[Order]) -> Plan:
    rng = np.random.default_rng([ctx.seed, 12])
    plan = Plan()
    by_id = {a.id: a for a in ctx.accounts}
    truth = ctx.truth.setdefault("billing_discrepancies", [])
    units: list[tuple[int, list[int], bool]] = []  # bill account, members, consolidated
    consolidated_payers = {a.id for a in ctx.accounts if a.is_payer and a.consolidated and a.customer_idx is not None}
    for acc in ctx.accounts:
        if acc.customer_idx is None or not acc.billable:
            continue
        if acc.id in consolidated_payers:
            members = [acc.id] + [a.id for a in ctx.accounts if a.payer_id == acc.id and a.billable]
            units.append((acc.id, members, True))
        elif acc.payer_id not in consolidated_payers:
            units.append((acc.id, [acc.id], False))
    # which (account, month) pairs have cost
    has_cost = set(zip(cur.account.tolist(), cur.month.tolist()))
    billable_accounts = sorted({m for _, members, _ in units for m in members})
    forgotten = set(rng.choice(billable_accounts, size=max(1, len(billable_accounts) // 50), replace=False).tolist())
    for aid in sorted(forgotten):
        for m in range(N_INVOICED):
            if (aid, m) in has_cost:
                plan.not_billed.add((aid, m))
    for aid in billable_accounts:
        for m in range(N_INVOICED):
            if (aid, m) in has_cost and rng.random() < 0.01:
                plan.not_billed.add((aid, m))
    under_accounts = rng.choice(billable_accounts, size=max(1, len(billable_accounts) // 25), replace=False)
    for aid in sorted(set(under_accounts.tolist()) - forgotten):
        start = int(rng.integers(0, N_INVOICED - 3))
        markup = by_id[aid].markup
        factor = round(1 / (1 + markup / 100), 6) if markup > 0 else float(rng.choice((0.8, 0.6)))
        for m in range(start, min(N_INVOICED, start + int(rng.integers(3, 9)))):
            if (aid, m) in has_cost:
                plan.under[(aid, m)] = factor
    bill_id = 0
    for m in range(N_INVOICED):
        for unit, (bill_acc, members, consolidated) in enumerate(units):
            billed = [a for a in members if (a, m) in has_cost and (a, m) not in plan.not_billed]
            if not billed:
                continue
            acc = by_id[bill_acc]
            bill_id += 1
            plan.bills.append(Bill(bill_id, unit, bill_acc, acc.partner_id, acc.customer_idx, m, consolidated,
                                   billed, acc.markup))
    # invoices without cost: bill an account for a month AWS did not charge, copying a month that had cost
    ghosts = max(1, len(units) // 60)
    # only accounts that joined or left inside the window have a month without cost
    eligible = [(u, acc_id) for u, (_, members, _) in enumerate(units) for acc_id in members
                if 0 < sum((acc_id, m) in has_cost for m in range(N_INVOICED)) < N_INVOICED]
    picks = sorted(rng.choice(len(eligible), size=min(ghosts, len(eligible)), replace=False).tolist()) if eligible else []
    for unit, bill_acc in (eligible[k] for k in picks):
        consolidated = False
        months_with = [m for m in range(N_INVOICED) if (bill_acc, m) in has_cost]
        months_without = [m for m in range(N_INVOICED) if (bill_acc, m) not in has_cost]
        ghost_m = min(months_without, key=lambda m: min(abs(m - k) for k in months_with))
        source_m = min(months_with, key=lambda k: abs(ghost_m - k))
        acc = by_id[bill_acc]
        bill_id += 1
        plan.bills.append(Bill(bill_id, unit, bill_acc, acc.partner_id, acc.customer_idx, ghost_m, consolidated,
                               [bill_acc], acc.markup, synthetic_from=source_m))
    plan.bills.sort(key=lambda b: (b.month, b.unit, b.id))
    for new_id, bill in enumerate(plan.bills, start=1):
        bill.id = new_id
    # bills of the last month not invoiced yet
    for bill in plan.bills:
        if bill.month == N_INVOICED - 1 and rng.random() < 0.03:
            bill.state = str(rng.choice(("draft", "to_invoice")))
    for aid, m in sorted(plan.not_billed):
        truth.append(("not_billed", aid, MONTHS[m], None, "forgotten account" if aid in forgotten else "month skipped"))
    for (aid, m), factor in sorted(plan.under.items()):
        truth.append(("under_billed", aid, MONTHS[m], None, f"price factor {factor}"))
    for bill in plan.bills:
        if bill.synthetic_from is not None:
            truth.append(("invoice_without_cost", bill.account_id, MONTHS[bill.month], None,
                          f"lines copied from {MONTHS[bill.synthetic_from]}"))
        if bill.state != "invoiced":
            truth.append(("bill_without_invoice", bill.account_id, MONTHS[bill.month], None, f"bill state {bill.state}"))
    _plan_moves(ctx, rng, plan, orders)
    return plan


def _invoice_day(rng: np.random.Generator, month: int) -> date:
    return month_add(MONTHS[month], 1) + timedelta(days=int(rng.integers(1, 5)))


def _plan_moves(ctx: Ctx, rng: np.random.Generator, plan: Plan, orders: list[Order]) -> None:
    moves: list[Move] = []
    for bill in plan.bills:
        if bill.state != "invoiced":
            continue
        cust = ctx.customers[bill.customer_idx]
        move = Move("resale", _invoice_day(rng, bill.month), (0, bill.id), cust.partner_id, cust.user_id,
                    period=MONTHS[bill.month], origin=f"BILL/{MONTHS[bill.month]:%Y-%m}/{ctx.accounts[bill.account_id - 1].aws_account_id}",
                    bill=bill, customer_idx=cust.idx, tax_rate=_tax_rate(ctx, cust))
        bill.move = move
        moves.append(move)
    n_resale = len(moves)
    target = ctx.n("customer_invoices", 40)
    n_refund_resale = max(1, int(round(n_resale * 0.02)))
    n_service = max(0, target - n_resale - n_refund_resale)
    n_refund_service = int(round(n_service * 0.01))
    n_service = max(0, n_service - n_refund_service)
    sold = [o for o in orders if o.lines and ctx.odoo["sale_order"]["state"][o.id - 1] == "sale"
            and o.date.date() <= LAST_INVOICED_MONTH]
    services: list[Move] = []
    if sold:
        weights = np.array([3.0 if o.recurring else 1.0 for o in sold])
        picks = rng.choice(len(sold), size=n_service, p=weights / weights.sum())
        for k, pick in enumerate(picks.tolist()):
            order = sold[pick]
            first = max(0, months_between(FIRST_CUR_MONTH, order.date.date().replace(day=1)))
            m = int(rng.integers(first, N_INVOICED)) if first < N_INVOICED else N_INVOICED - 1
            day = max(_invoice_day(rng, m), order.date.date() + timedelta(days=1))
            cust = ctx.customers[order.customer_idx]
            services.append(Move("service", day, (1, k), cust.partner_id, order.user_id, currency_id=order.currency_id,
                                 origin=order.name, service_order=order, customer_idx=cust.idx,
                                 tax_rate=_tax_rate(ctx, cust)))
    moves.extend(services)
    refunds: list[Move] = []
    for pool, count in ((moves[:n_resale], n_refund_resale), (services, n_refund_service)):
        if not pool or not count:
            continue
        for k in sorted(rng.choice(len(pool), size=min(count, len(pool)), replace=False).tolist()):
            original = pool[k]
            original.credited = True
            day = min(original.day + timedelta(days=int(rng.integers(5, 60))), (ANCHOR - timedelta(days=1)).date())
            refunds.append(Move("refund", day, (2, original.order), original.partner_id, original.user_id,
                                currency_id=original.currency_id, period=original.period,
                                origin=original.origin, reversed_of=original, customer_idx=original.customer_idx,
                                tax_rate=original.tax_rate))
    moves.extend(refunds)
    moves.extend(_vendor_moves(ctx, rng))
    # a few drafts and a cancelled one, as in every ledger
    moves.sort(key=lambda mv: (mv.day, mv.order))
    counters: dict[str, int] = {}
    for move_id, move in enumerate(moves, start=1):
        move.id = move_id
        prefix = {"resale": "INV", "service": "INV", "refund": "RINV", "vendor": "BILL"}[move.kind]
        key = f"{prefix}/{move.day.year}/"
        counters[key] = counters.get(key, 0) + 1
        move.name = f"{key}{counters[key]:05d}"
        if move.kind == "service" and not move.credited and rng.random() < 0.01:
            move.state = "draft" if rng.random() < 0.7 else "cancel"
    plan.moves = moves
    truth = ctx.truth.setdefault("billing_discrepancies", [])
    for move in refunds:
        original = move.reversed_of
        if original.kind == "resale":
            truth.append(("credited_invoice", original.bill.account_id, original.period, original.id,
                          f"{original.name} reversed by credit note {move.name}"))


def _tax_rate(ctx: Ctx, cust) -> float:
    if cust.country != "US":
        return 0.0
    return US_STATE_TAX.get(_state_code(ctx, cust), 0.0)


def _vendor_moves(ctx: Ctx, rng: np.random.Generator) -> list[Move]:
    moves = []
    for acc in ctx.accounts:
        if not (acc.is_payer and acc.is_spp):
            continue
        for m in range(CUR_MONTHS):
            day = month_add(MONTHS[m], 1) + timedelta(days=1)
            if day >= ANCHOR.date():
                continue
            moves.append(Move("vendor", day, (3, acc.id, m), ctx.vendor_partner_id, None, period=MONTHS[m],
                              spp={"account": acc, "month": m}))
    return moves


# ------------------------------------------------------------------------------------------------
# Lines: bill lines and invoice lines, month by month
# ------------------------------------------------------------------------------------------------

class CopyThread:
    """Runs the COPYs of one connection in a background thread, so numpy builds the next chunk
    while PostgreSQL parses the previous one. The queue is short: memory stays bounded."""

    def __init__(self, cur_db):
        self.cur_db = cur_db
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    table, columns = item
                    copy_columns(self.cur_db, table, columns, freeze=True)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the submitting thread
                    self.error = exc

    def submit(self, table: str, columns: dict) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((table, columns))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Sink:
    """Collects column chunks of one table and COPYs them when enough rows are pending."""

    def __init__(self, writer: CopyThread, table: str):
        self.writer, self.table, self.chunks, self.pending, self.rows = writer, table, [], 0, 0

    def add(self, columns: dict) -> None:
        n = len(next(iter(columns.values())))
        if n:
            self.chunks.append(columns)
            self.pending += n
        if self.pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for columns in self.chunks:
            self.writer.submit(self.table, columns)
            self.rows += len(next(iter(columns.values())))
        self.chunks, self.pending = [], 0


@dataclass
class LineBatch:
    """Invoice/bill lines of a set of moves (numpy columns)."""

    move: np.ndarray  # index into Plan.moves
    product: np.ndarray
    name: np.ndarray  # object
    quantity: np.ndarray
    subtotal: np.ndarray  # document currency, signed as on the bill line
    account: np.ndarray  # c_aws_accounts id or 0
    period: np.ndarray  # datetime64[D] or NaT
    service: np.ndarray  # object or None
    display: np.ndarray  # object
    ids: np.ndarray | None = None  # move line ids taken in advance (bill lines point at them)


def _row_index(cur: Cur) -> dict[tuple[int, int], tuple[int, int]]:
    key = cur.month * 10**7 + cur.account
    change = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(key)]))
    return {(int(cur.account[s]), int(cur.month[s])): (int(s), int(e)) for s, e in zip(starts, ends)}


def _lambda(ctx: Ctx, cur: Cur, plan: Plan, index) -> float:
    rows = extras = 0
    for bill in plan.bills:
        if bill.move is None:
            continue
        for aid in bill.members:
            s, e = index.get((aid, bill.synthetic_from if bill.synthetic_from is not None else bill.month), (0, 0))
            rows += e - s
            extras += int(np.count_nonzero(cur.credit[s:e]) + np.count_nonzero(cur.refund[s:e]) + np.count_nonzero(cur.tax[s:e]))
    n_service = sum(1 for mv in plan.moves if mv.kind == "service")
    n_resale = sum(1 for mv in plan.moves if mv.kind == "resale")
    n_refund_resale = sum(1 for mv in plan.moves if mv.kind == "refund" and mv.reversed_of.kind == "resale")
    overhead = len(plan.moves) + n_service * 2.5 + sum(1 for mv in plan.moves if mv.kind == "vendor") * 3
    refund_share = n_refund_resale / max(1, n_resale)
    needed = (ctx.n("invoice_lines", 2000) - overhead) / (1 + refund_share)
    return max(0.0, (needed - extras) / max(1, rows) - 1)


def write_billing(ctx: Ctx, cur_db, cur: Cur, plan: Plan) -> dict[str, int]:
    rng = np.random.default_rng([ctx.seed, 13])
    index = _row_index(cur)
    lam = _lambda(ctx, cur, plan, index)
    writer = CopyThread(cur_db)
    aml = Sink(writer, "account_move_line")
    bl = Sink(writer, "c_billing_bill_line")
    state = {"aml_id": 0, "bl_id": 0}
    cache: dict[int, LineBatch] = {}
    names = _line_names()
    move_pos = {id(mv): k for k, mv in enumerate(plan.moves)}
    for m in range(N_INVOICED):
        bills = [b for b in plan.bills if b.month == m]
        batch = _resale_lines(ctx, rng, cur, index, bills, lam, names, move_pos, plan, bl, state)
        if batch is not None:
            _emit_move_lines(ctx, plan, batch, aml, state, cache)
    services = [k for k, mv in enumerate(plan.moves) if mv.kind == "service"]
    for lo in range(0, len(services), 2000):
        batch = _service_lines(ctx, rng, plan, services[lo:lo + 2000])
        _emit_move_lines(ctx, plan, batch, aml, state, cache)
    refunds = [k for k, mv in enumerate(plan.moves) if mv.kind == "refund"]
    if refunds:
        _emit_move_lines(ctx, plan, _refund_lines(plan, refunds, cache, move_pos), aml, state, cache)
    vendors = [k for k, mv in enumerate(plan.moves) if mv.kind == "vendor"]
    if vendors:
        _emit_move_lines(ctx, plan, _vendor_lines(ctx, cur, plan, vendors), aml, state, cache)
    aml.flush()
    bl.flush()
    writer.close()
    _write_moves(ctx, cur_db, plan)
    _write_bills(ctx, cur_db, plan)
    spp_rows = _write_spp(ctx, cur_db, cur, plan)
    return {"account_move_line": aml.rows, "c_billing_bill_line": bl.rows, "c_billing_spp_bill": spp_rows}


def _line_names() -> np.ndarray:
    """Invoice line labels per (service, region, usage type): 'Amazon EC2 - EUC1 - BoxUsage:m5.large'."""
    out = []
    for name in SVC_NAMES:
        for region in vocab.REGIONS:
            for usage in vocab.USAGE_TYPES:
                out.append(f"{name} - {region}-{usage}")
    return np.array(out, dtype=object)


def _resale_lines(ctx, rng, cur: Cur, index, bills: list[Bill], lam: float, names, move_pos, plan: Plan,
                  bl: Sink, state: dict) -> LineBatch | None:
    rows, bill_pos = [], []
    for k, bill in enumerate(bills):
        src_month = bill.synthetic_from if bill.synthetic_from is not None else bill.month
        for aid in bill.members:
            s, e = index.get((aid, src_month), (0, 0))
            rows.append(np.arange(s, e))
            bill_pos.append(np.full(e - s, k))
    if not rows:
        return None
    r = np.concatenate(rows)
    bpos = np.concatenate(bill_pos)
    n_rows = len(r)
    # usage lines: each CUR row split into k usage-type lines
    k = 1 + rng.poisson(lam, size=n_rows)
    rep = np.repeat(np.arange(n_rows), k)
    starts = np.cumsum(k) - k
    w = rng.exponential(size=len(rep))
    share = w / np.add.reduceat(w, starts)[rep]
    total = np.round(cur.usage[r] + cur.discount[r], 2)
    cost = np.round(total[rep] * share, 2)
    last = starts + k - 1
    cost[last] += np.round(total - np.add.reduceat(cost, starts), 2)
    cost = np.round(cost, 2)
    svc = cur.service[r]
    kind_usage = np.where(np.isin(svc, list(SUPPORT)), 1, np.where(np.isin(svc, list(MARKET)), 2, 0))[rep]
    # pass-through lines: credits (3), refunds (4), AWS tax (5)
    extra_rows, extra_kind, extra_cost = [], [], []
    for code, column in ((3, cur.credit), (4, cur.refund), (5, cur.tax)):
        hit = np.flatnonzero(column[r] != 0)
        extra_rows.append(hit)
        extra_kind.append(np.full(len(hit), code))
        extra_cost.append(column[r][hit])
    line_row = np.concatenate([rep] + extra_rows)  # position in r
    line_kind = np.concatenate([kind_usage] + extra_kind)
    line_cost = np.concatenate([cost] + extra_cost)
    line_sub = np.concatenate([np.arange(len(rep)) - starts[rep]] + [np.zeros(len(h), dtype=np.int64) for h in extra_rows])
    order = np.lexsort((line_sub, line_kind, line_row, bpos[line_row]))
    line_row, line_kind, line_cost = line_row[order], line_kind[order], line_cost[order]
    n = len(line_row)
    cur_idx = r[line_row]
    line_bill = bpos[line_row]
    account = cur.account[cur_idx]
    month_of = np.array([b.month for b in bills])[line_bill]
    markup = np.array([b.markup for b in bills])[line_bill]
    under = np.ones(n)
    if plan.under:
        keys = account * 100 + month_of
        table = {aid * 100 + mm: f for (aid, mm), f in plan.under.items()}
        hits = np.isin(keys, np.array(list(table), dtype=np.int64))
        under[hits] = np.array([table[int(x)] for x in keys[hits]])
    factor = np.where(line_kind <= 2, (1 + markup / 100.0) * under, 1.0)
    subtotal = np.round(line_cost * factor, 2)
    quantity = np.where(line_kind <= 2, np.round(rng.uniform(1, 2000, size=n), 3), 1.0)
    price_unit = np.round(np.divide(subtotal, quantity), 6)
    svc_line = cur.service[cur_idx]
    usage_name = names[svc_line * (len(vocab.REGIONS) * len(vocab.USAGE_TYPES))
                       + rng.integers(0, len(vocab.REGIONS), size=n) * len(vocab.USAGE_TYPES)
                       + rng.integers(0, len(vocab.USAGE_TYPES), size=n)]
    kind_label = np.array(["usage", "support", "marketplace", "credit", "refund", "tax"], dtype=object)[line_kind]
    svc_code = np.array(SVC_CODES, dtype=object)[svc_line]
    svc_name = np.array(SVC_NAMES, dtype=object)[svc_line]
    label = np.where(line_kind <= 2, usage_name,
                     np.array(["", "", "", "AWS Credits - ", "AWS Refund - ", "AWS Tax - "], dtype=object)[line_kind] + svc_name)
    product_of_svc = np.array([ctx.products[c] for c in SVC_CODES])
    product = np.where(line_kind <= 2, product_of_svc[svc_line],
                       np.array([0, 0, 0, ctx.products["credit"], ctx.products["refund"], ctx.products["tax"]])[line_kind])
    # bill headers
    for k, bill in enumerate(bills):
        sel = line_bill == k
        bill.aws_cost = round(float(line_cost[sel].sum()), 2)
        bill.untaxed = round(float(subtotal[sel].sum()), 2)
    invoiced = np.array([b.move is not None for b in bills])[line_bill]
    bl_ids = np.arange(state["bl_id"] + 1, state["bl_id"] + n + 1)
    state["bl_id"] += n
    n_inv = int(invoiced.sum())
    aml_ids = np.zeros(n, dtype=np.int64)
    aml_ids[invoiced] = np.arange(state["aml_id"] + 1, state["aml_id"] + n_inv + 1)
    # move line ids for product lines are taken now; tax/payment-term lines follow in _emit_move_lines
    state["aml_id"] += n_inv
    bill_ids = np.array([b.id for b in bills])[line_bill]
    created = np.array([np.datetime64(datetime.combine(_invoice_day_fixed(b), datetime.min.time()) + timedelta(hours=2), "s")
                        for b in bills])[line_bill]
    bl.add({
        "id": bl_ids, "bill_id": bill_ids,
        "c_aws_account_id": pa.array(np.where(account > 0, account, 0), mask=account <= 0),
        "product_id": product, "service_code": svc_code.tolist(), "name": label.tolist(),
        "line_type": kind_label.tolist(), "quantity": quantity, "aws_cost": line_cost, "price_unit": price_unit,
        "discount": np.zeros(n), "price_subtotal": subtotal, "currency_id": np.full(n, USD),
        "move_line_id": pa.array(aml_ids, mask=~invoiced),
        "create_uid": np.full(n, 1), "create_date": created, "write_uid": np.full(n, 1), "write_date": created,
    })
    move_index = np.array([move_pos[id(b.move)] if b.move is not None else -1 for b in bills])[line_bill]
    sel = invoiced
    return LineBatch(
        move=move_index[sel], product=product[sel], name=label[sel], quantity=quantity[sel], subtotal=subtotal[sel],
        account=account[sel], period=np.array(MONTHS, dtype="datetime64[D]")[month_of[sel]],
        service=svc_code[sel], display=np.full(int(sel.sum()), "product", dtype=object), ids=aml_ids[sel],
    )


def _invoice_day_fixed(bill: Bill) -> date:
    return month_add(MONTHS[bill.month], 1) + timedelta(days=1)


def _move_sign(kind: str) -> float:
    """Balance sign of a move's product lines: income is a credit on customer invoices."""
    return {"resale": -1.0, "service": -1.0, "refund": 1.0, "vendor": 1.0}[kind]


def _emit_move_lines(ctx: Ctx, plan: Plan, batch: LineBatch, aml: Sink, state: dict, cache: dict) -> None:
    """Write a batch's lines plus each move's tax and payment-term lines; fill the move totals."""
    moves = plan.moves
    order = np.argsort(batch.move, kind="stable")
    b = LineBatch(*(getattr(batch, f)[order] if getattr(batch, f) is not None else None
                    for f in ("move", "product", "name", "quantity", "subtotal", "account", "period", "service",
                              "display", "ids")))
    n = len(b.move)
    if b.ids is None:
        b.ids = np.arange(state["aml_id"] + 1, state["aml_id"] + n + 1)
        state["aml_id"] += n
    uniq, first = np.unique(b.move, return_index=True)
    is_tax = b.display == "tax"
    untaxed = np.bincount(b.move, weights=np.where(is_tax, 0.0, b.subtotal), minlength=len(moves))
    given_tax = np.bincount(b.move, weights=np.where(is_tax, b.subtotal, 0.0), minlength=len(moves))
    extra_move, extra_display, extra_amount, extra_name = [], [], [], []
    for mi in uniq.tolist():
        mv = moves[mi]
        mv.untaxed = round(float(untaxed[mi]), 2)
        computed = round(mv.untaxed * mv.tax_rate / 100.0, 2) if mv.kind != "refund" else (
            mv.reversed_of.tax - round(float(given_tax[mi]), 2))
        if computed:
            extra_move.append(mi), extra_display.append("tax"), extra_amount.append(computed)
            extra_name.append(f"Sales Tax {mv.tax_rate:g}%" if mv.tax_rate else "Tax")
        mv.tax = round(float(given_tax[mi]) + computed, 2)
        extra_move.append(mi), extra_display.append("payment_term"), extra_amount.append(round(mv.untaxed + mv.tax, 2))
        extra_name.append(mv.name if mv.state == "posted" else "")
    if cache is not None:
        for mi in uniq.tolist():
            if moves[mi].credited:
                sel = b.move == mi
                cache[mi] = LineBatch(b.move[sel], b.product[sel], b.name[sel], b.quantity[sel], b.subtotal[sel],
                                      b.account[sel], b.period[sel], b.service[sel], b.display[sel])
    e = len(extra_move)
    ex_move = np.array(extra_move, dtype=np.int64)
    ex_display = np.array(extra_display, dtype=object)
    ex_amount = np.array(extra_amount, dtype=float)
    ex_ids = np.arange(state["aml_id"] + 1, state["aml_id"] + e + 1)
    state["aml_id"] += e
    arr = _move_arrays(plan, state)
    # product and tax lines
    sign = arr["sign"][b.move]
    rate = arr["rate"][b.move]
    amount_currency = np.round(sign * b.subtotal, 2)
    balance = np.round(amount_currency * rate, 2)
    tax_rate = arr["tax_rate"][b.move]
    price_total = np.where(b.display == "product", np.round(b.subtotal * (1 + tax_rate / 100.0), 2), b.subtotal)
    _aml_add(aml, arr, b.ids, b.move, b.display, b.name, b.product, b.quantity,
             np.where(b.quantity != 0, np.round(b.subtotal / np.where(b.quantity == 0, 1, b.quantity), 6), 0.0),
             b.subtotal, price_total, balance, amount_currency, b.account, b.period, b.service,
             residual=np.zeros(n), maturity=None, account_code=np.where(arr["kind_vendor"][b.move], EXPENSE, INCOME_ACCOUNT))
    # tax and payment-term lines: tax follows the product sign, the payment term balances the move
    is_term = ex_display == "payment_term"
    ex_sign = np.where(is_term, -arr["sign"][ex_move], arr["sign"][ex_move])
    ex_cur = np.round(ex_sign * ex_amount, 2)
    ex_bal = np.round(ex_cur * arr["rate"][ex_move], 2)
    # the payment term takes whatever balances the move (no cent lost to currency rounding)
    others = np.bincount(b.move, weights=balance, minlength=len(moves)) + np.bincount(
        ex_move, weights=np.where(is_term, 0.0, ex_bal), minlength=len(moves))
    ex_bal = np.where(is_term, -np.round(others[ex_move], 2), ex_bal)
    residual = np.where(is_term, np.round(ex_bal * arr["residual_share"][ex_move], 2), 0.0)
    _aml_add(aml, arr, ex_ids, ex_move, ex_display, np.array(extra_name, dtype=object), np.zeros(e, dtype=np.int64),
             np.where(is_term, 0.0, 1.0), np.zeros(e), np.where(is_term, 0.0, ex_amount), np.where(is_term, 0.0, ex_amount),
             ex_bal, ex_cur, np.zeros(e, dtype=np.int64), np.full(e, np.datetime64("NaT"), dtype="datetime64[D]"),
             np.full(e, None, dtype=object), residual=residual, maturity=is_term,
             account_code=np.where(is_term, np.where(arr["kind_vendor"][ex_move], PAYABLE, RECEIVABLE), TAX_ACCOUNT))


def _move_arrays(plan: Plan, state: dict) -> dict:
    if "moves" in state:
        return state["moves"]
    moves = plan.moves
    residual_share = []
    for mv in moves:
        residual_share.append({"not_paid": 1.0, "partial": 0.4}.get(_payment_state(mv), 0.0))
    arr = {
        "id": np.array([mv.id for mv in moves]),
        "name": np.array([mv.name if mv.state == "posted" else "/" for mv in moves], dtype=object),
        "day": np.array([mv.day for mv in moves], dtype="datetime64[D]"),
        "state": np.array([mv.state for mv in moves], dtype=object),
        "partner": np.array([mv.partner_id for mv in moves]),
        "user": np.array([mv.user_id or 2 for mv in moves]),
        "currency": np.array([mv.currency_id for mv in moves]),
        "rate": np.array([EUR_RATE if mv.currency_id == EUR else 1.0 for mv in moves]),
        "sign": np.array([_move_sign(mv.kind) for mv in moves]),
        "tax_rate": np.array([mv.tax_rate for mv in moves]),
        "journal": np.array([2 if mv.kind == "vendor" else 1 for mv in moves]),
        "kind_vendor": np.array([mv.kind == "vendor" for mv in moves]),
        "residual_share": np.array(residual_share),
    }
    arr["created"] = arr["day"].astype("datetime64[s]") + np.timedelta64(7, "h")
    state["moves"] = arr
    return arr


def _payment_state(mv: Move) -> str:
    """Deterministic from the move's id and date: old invoices are mostly paid."""
    if mv.state != "posted":
        return "not_paid"
    if mv.credited:
        return "reversed"
    if mv.kind in ("refund", "vendor"):
        return "paid" if mv.day < (ANCHOR - timedelta(days=20)).date() else "not_paid"
    h = (mv.id * 2654435761) % 100
    if mv.day < (ANCHOR - timedelta(days=45)).date():
        return "paid" if h < 92 else ("partial" if h < 95 else "not_paid")
    return "not_paid" if h < 70 else ("in_payment" if h < 80 else "paid")


def _aml_add(aml: Sink, arr: dict, ids, move, display, name, product, quantity, price_unit, subtotal, price_total,
             balance, amount_currency, account, period, service, residual, maturity, account_code) -> None:
    n = len(ids)
    if not n:
        return
    day = arr["day"][move]
    created = arr["created"][move]
    period_mask = np.isnat(period)
    maturity_mask = np.ones(n, dtype=bool) if maturity is None else ~maturity
    aml.add({
        "id": ids, "move_id": arr["id"][move], "move_name": arr["name"][move].tolist(), "date": day,
        "parent_state": arr["state"][move].tolist(), "journal_id": arr["journal"][move], "company_id": np.ones(n, dtype=np.int64),
        "company_currency_id": np.full(n, USD), "sequence": np.full(n, 10), "display_type": display.tolist(),
        "account_id": account_code, "name": name.tolist(), "partner_id": arr["partner"][move],
        "product_id": pa.array(product, mask=product <= 0), "product_uom_id": pa.array(np.ones(n, dtype=np.int64), mask=product <= 0),
        "quantity": quantity, "price_unit": price_unit, "discount": np.zeros(n), "price_subtotal": subtotal,
        "price_total": price_total, "debit": np.maximum(balance, 0.0), "credit": np.maximum(-balance, 0.0) + 0.0,
        "balance": balance, "amount_currency": amount_currency, "currency_id": arr["currency"][move],
        "tax_line_id": pa.array(np.ones(n, dtype=np.int64), mask=display != "tax"),
        "tax_base_amount": np.zeros(n), "amount_residual": residual,
        "amount_residual_currency": np.round(residual / arr["rate"][move], 2),
        "reconciled": maturity & (residual == 0) if maturity is not None else np.zeros(n, dtype=bool),
        "date_maturity": pa.array(day + np.timedelta64(30, "D"), mask=maturity_mask),
        "invoice_date": day, "is_downpayment": np.zeros(n, dtype=bool),
        "c_aws_account_id": pa.array(account, mask=account <= 0),
        "c_billing_period": pa.array(period, mask=period_mask),
        "c_service_code": service.tolist(),
        "create_uid": arr["user"][move], "create_date": created, "write_uid": arr["user"][move], "write_date": created,
    })


def _service_lines(ctx: Ctx, rng: np.random.Generator, plan: Plan, idxs: list[int]) -> LineBatch:
    move, product, name, qty, sub = [], [], [], [], []
    for mi in idxs:
        mv = plan.moves[mi]
        for _, key, quantity, price in mv.service_order.lines:
            q = 1.0 if key in ("managed_gold", "managed_silver", "hosting", "mgmt_fee") else round(
                max(1.0, quantity * float(rng.uniform(0.2, 1.0))), 2)
            move.append(mi), product.append(ctx.products[key]), name.append(ctx.product_names[ctx.products[key]])
            qty.append(q), sub.append(round(q * price, 2))
    n = len(move)
    return LineBatch(np.array(move, dtype=np.int64), np.array(product, dtype=np.int64), np.array(name, dtype=object),
                     np.array(qty), np.array(sub), np.zeros(n, dtype=np.int64),
                     np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), np.full(n, None, dtype=object),
                     np.full(n, "product", dtype=object))


def _refund_lines(plan: Plan, refunds: list[int], cache: dict, move_pos: dict) -> LineBatch:
    parts = []
    for mi in refunds:
        original = cache[move_pos[id(plan.moves[mi].reversed_of)]]
        parts.append(LineBatch(np.full(len(original.move), mi), original.product, original.name, original.quantity,
                               original.subtotal, original.account, original.period, original.service, original.display))
    return LineBatch(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                       ("move", "product", "name", "quantity", "subtotal", "account", "period", "service", "display")))


def _spp_sums(ctx: Ctx, cur: Cur) -> dict[tuple[str, int], tuple[float, float, float, float, float]]:
    out = {}
    payers = sorted({a.aws_account_id for a in ctx.accounts if a.is_payer and a.is_spp})
    for payer in payers:
        sel = cur.payer_account == payer
        for m in range(CUR_MONTHS):
            rows = sel & (cur.month == m)
            if rows.any():
                out[(payer, m)] = tuple(round(float(col[rows].sum()), 2) for col in
                                        (cur.usage, cur.discount, cur.credit, cur.refund, cur.tax))
    return out


def _vendor_lines(ctx: Ctx, cur: Cur, plan: Plan, vendors: list[int]) -> LineBatch:
    sums = _spp_sums(ctx, cur)
    move, name, sub, display = [], [], [], []
    for mi in vendors:
        mv = plan.moves[mi]
        acc, m = mv.spp["account"], mv.spp["month"]
        usage, discount, credit, refund, tax = sums.get((acc.aws_account_id, m), (0.0, 0.0, 0.0, 0.0, 0.0))
        mv.spp.update(usage=usage, discount=discount, credit=credit, refund=refund, tax=tax)
        for label, amount, kind in ((f"AWS usage {acc.aws_account_id} {MONTHS[m]:%Y-%m}", usage, "product"),
                                    ("SPP discount", discount, "product"), ("AWS credits", credit, "product"),
                                    ("AWS refunds", refund, "product"), ("AWS tax", tax, "tax")):
            if amount or kind == "product" and label.startswith("AWS usage"):
                move.append(mi), name.append(label), sub.append(amount), display.append(kind)
    n = len(move)
    return LineBatch(np.array(move, dtype=np.int64), np.zeros(n, dtype=np.int64), np.array(name, dtype=object),
                     np.ones(n), np.array(sub), np.zeros(n, dtype=np.int64),
                     np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), np.full(n, None, dtype=object),
                     np.array(display, dtype=object))


def _write_moves(ctx: Ctx, cur_db, plan: Plan) -> None:
    cols: dict[str, list] = {k: [] for k in (
        "id", "name", "ref", "date", "state", "move_type", "journal_id", "company_id", "currency_id", "partner_id",
        "commercial_partner_id", "invoice_user_id", "team_id", "invoice_date", "invoice_date_due", "delivery_date",
        "invoice_payment_term_id", "invoice_origin", "invoice_partner_display_name", "payment_reference",
        "payment_state", "reversed_entry_id", "amount_untaxed", "amount_tax", "amount_total", "amount_residual",
        "amount_untaxed_signed", "amount_tax_signed", "amount_total_signed", "amount_total_in_currency_signed",
        "amount_residual_signed", "narration", "auto_post", "to_check", "posted_before", "is_move_sent",
        "sequence_prefix", "sequence_number", "c_billing_period", "create_uid", "create_date", "write_uid", "write_date")}
    names = {p: n for p, n in zip(ctx.odoo["res_partner"]["id"], ctx.odoo["res_partner"]["name"])}
    for mv in plan.moves:
        move_type = {"resale": "out_invoice", "service": "out_invoice", "refund": "out_refund", "vendor": "in_invoice"}[mv.kind]
        rate = EUR_RATE if mv.currency_id == EUR else 1.0
        total = round(mv.untaxed + mv.tax, 2)
        pay = _payment_state(mv)
        residual = round(total * {"not_paid": 1.0, "partial": 0.4}.get(pay, 0.0), 2)
        signed = -1.0 if move_type in ("out_refund", "in_invoice") else 1.0
        created = datetime.combine(mv.day, datetime.min.time()) + timedelta(hours=7)
        write = created if pay in ("not_paid",) else min(ANCHOR - timedelta(hours=1), created + timedelta(days=25))
        posted = mv.state == "posted"
        prefix, _, number = mv.name.rpartition("/")
        values = dict(
            id=mv.id, name=mv.name if posted else "/", ref=f"AWS {mv.period:%Y-%m}" if mv.kind == "vendor" else None,
            date=mv.day, state=mv.state, move_type=move_type, journal_id=2 if mv.kind == "vendor" else 1, company_id=1,
            currency_id=mv.currency_id, partner_id=mv.partner_id, commercial_partner_id=mv.partner_id,
            invoice_user_id=mv.user_id, team_id=1 if mv.kind != "vendor" else None, invoice_date=mv.day,
            invoice_date_due=mv.day + timedelta(days=30), delivery_date=None, invoice_payment_term_id=2,
            invoice_origin=mv.origin, invoice_partner_display_name=names.get(mv.partner_id),
            payment_reference=mv.name if posted else None, payment_state=pay,
            reversed_entry_id=mv.reversed_of.id if mv.reversed_of else None,
            amount_untaxed=mv.untaxed, amount_tax=mv.tax, amount_total=total, amount_residual=residual,
            amount_untaxed_signed=round(signed * mv.untaxed * rate, 2), amount_tax_signed=round(signed * mv.tax * rate, 2),
            amount_total_signed=round(signed * total * rate, 2), amount_total_in_currency_signed=round(signed * total, 2),
            amount_residual_signed=round(signed * residual * rate, 2),
            narration="<p>Thank you for your business.</p>" if mv.kind != "vendor" else None, auto_post="no",
            to_check=False, posted_before=posted, is_move_sent=posted and mv.kind != "vendor",
            sequence_prefix=prefix + "/" if posted else None, sequence_number=int(number) if posted else None,
            c_billing_period=mv.period if mv.kind in ("resale", "refund") and mv.period else None,
            create_uid=mv.user_id or 2, create_date=created, write_uid=mv.user_id or 2, write_date=write,
        )
        for k, v in values.items():
            cols[k].append(v)
    copy_columns(cur_db, "account_move", cols, freeze=True)


def _write_bills(ctx: Ctx, cur_db, plan: Plan) -> None:
    cols: dict[str, list] = {k: [] for k in (
        "id", "name", "c_aws_account_id", "partner_id", "billing_period", "state", "is_consolidated", "move_id",
        "invoice_date", "currency_id", "amount_aws_cost", "amount_untaxed", "amount_tax", "amount_total", "user_id",
        "company_id", "notes", "create_uid", "create_date", "write_uid", "write_date")}
    for bill in plan.bills:
        acc = ctx.accounts[bill.account_id - 1]
        created = datetime.combine(_invoice_day_fixed(bill), datetime.min.time()) + timedelta(hours=2)
        tax = bill.move.tax if bill.move else 0.0
        values = dict(
            id=bill.id, name=f"BILL/{MONTHS[bill.month]:%Y-%m}/{acc.aws_account_id}", c_aws_account_id=acc.id,
            partner_id=bill.partner_id, billing_period=MONTHS[bill.month], state=bill.state,
            is_consolidated=bill.consolidated, move_id=bill.move.id if bill.move else None,
            invoice_date=bill.move.day if bill.move else None, currency_id=USD, amount_aws_cost=bill.aws_cost,
            amount_untaxed=bill.untaxed, amount_tax=tax, amount_total=round(bill.untaxed + tax, 2), user_id=acc.user_id,
            company_id=1, notes="Consolidated bill for all linked accounts" if bill.consolidated else None,
            create_uid=1, create_date=created, write_uid=1,
            write_date=created + timedelta(days=2) if bill.move else created,
        )
        for k, v in values.items():
            cols[k].append(v)
    copy_columns(cur_db, "c_billing_bill", cols, freeze=True)


def _write_spp(ctx: Ctx, cur_db, cur: Cur, plan: Plan) -> int:
    cols: dict[str, list] = {k: [] for k in (
        "id", "name", "aws_invoice_id", "c_aws_account_id", "payer_account_id", "billing_period", "invoice_date",
        "date_due", "amount_usage", "spp_discount_percent", "spp_discount_amount", "credit_amount", "tax_amount",
        "amount_total", "currency_id", "vendor_bill_move_id", "state", "company_id", "create_uid", "create_date",
        "write_uid", "write_date")}
    vendor = [mv for mv in plan.moves if mv.kind == "vendor"]
    sums = _spp_sums(ctx, cur)
    spp_id = 0
    for acc in [a for a in ctx.accounts if a.is_payer and a.is_spp]:
        for m in range(CUR_MONTHS):
            usage, discount, credit, refund, tax = sums.get((acc.aws_account_id, m), (0.0,) * 5)
            if not usage:
                continue
            spp_id += 1
            move = next((mv for mv in vendor if mv.spp["account"].id == acc.id and mv.spp["month"] == m), None)
            day = month_add(MONTHS[m], 1) + timedelta(days=1)
            last = move is None
            created = datetime.combine(day, datetime.min.time()) + timedelta(hours=4)
            values = dict(
                id=spp_id, name=f"EUINUS{(int(acc.aws_account_id) * 31 + m) % 10**9:09d}",
                aws_invoice_id=f"{(int(acc.aws_account_id) * 17 + m * 7919) % 10**10:010d}", c_aws_account_id=acc.id,
                payer_account_id=acc.aws_account_id, billing_period=MONTHS[m], invoice_date=day if not last else None,
                date_due=day + timedelta(days=30) if not last else None, amount_usage=usage,
                spp_discount_percent=round(-discount / usage * 100, 4) if usage else None,
                spp_discount_amount=discount, credit_amount=round(credit + refund, 2), tax_amount=tax,
                amount_total=round(usage + discount + credit + refund + tax, 2), currency_id=USD,
                vendor_bill_move_id=move.id if move else None,
                state="draft" if last else ("paid" if _payment_state(move) == "paid" else "posted"), company_id=1,
                create_uid=1, create_date=min(created, ANCHOR - timedelta(hours=2)), write_uid=1,
                write_date=min(created + timedelta(days=3), ANCHOR - timedelta(hours=1)),
            )
            for k, v in values.items():
                cols[k].append(v)
    copy_columns(cur_db, "c_billing_spp_bill", cols, freeze=True)
    return spp_id
