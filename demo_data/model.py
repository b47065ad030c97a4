"""Shared state of one demo generation: constants, the seeded random sources, tables and ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import numpy as np

GENERATOR_VERSION = "1.1.0"
# The demo's "now": POD rules look at close dates relative to an as-of date, so the data is
# anchored on a constant instead of today's date (recorded in truth.generation).
ANCHOR_DATE = date(2026, 11, 1)
ANCHOR = datetime(2026, 11, 1, 6, 0, 0)
CUR_MONTHS = 24  # billing periods 2024-11 .. 2026-10
FIRST_CUR_MONTH = date(2024, 11, 1)
LAST_INVOICED_MONTH = date(2026, 9, 1)  # October usage is invoiced in November, after the anchor
CRM_START = datetime(2019, 1, 7)
ACE_START = datetime(2022, 6, 1)

# Targets at scale 1.0 (SPEC "Sources": production scale).
TARGETS = {
    "customers": 900,
    "crm_opportunities": 3100,
    "crm_leads": 700,
    "ace_opportunities": 4800,
    "aws_accounts": 360,
    "aws_customers": 250,
    "cur_rows": 155_000,
    "customer_invoices": 12_700,
    "invoice_lines": 2_400_000,
    "users": 28,
}


def month_add(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


@dataclass
class Customer:
    idx: int
    partner_id: int
    brand: str
    legal: str
    odoo_name: str | None
    domain: str
    country: str
    country_id: int
    state_id: int | None
    state_name: str | None
    city: str
    street: str
    zip: str
    industry: str
    created: datetime
    user_id: int
    website_odoo: str | None
    kind: str = "plain"  # plain | accented | acronym | lookalike | many_leads | duplicate
    alt_names: list[str] = field(default_factory=list)  # names ACE may use instead
    contacts: list[tuple[int, str, str, str]] = field(default_factory=list)  # partner id, first, last, email
    accounts: list[int] = field(default_factory=list)  # c_aws_accounts ids (linked and own payers)
    tier: str | None = None  # AWS spend tier: small | boundary | large
    monthly_level: float = 0.0
    lead_ids: list[int] = field(default_factory=list)
    shared_url: str | None = None  # website on a shared host (sites.google.com/view/x, facebook.com/x, ...)


@dataclass
class Account:
    id: int
    aws_account_id: str
    name: str
    partner_id: int | None
    customer_idx: int | None
    is_payer: bool
    payer_id: int | None
    is_spp: bool
    billable: bool
    consolidated: bool
    environment: str
    status: str
    support_plan: str
    markup: float
    joined: date
    closed: date | None
    user_id: int
    level: float  # planned monthly AWS cost


@dataclass
class Lead:
    id: int
    customer_idx: int | None
    type: str
    name: str
    create: datetime
    deadline: date
    outcome: str  # won | lost | open | archived
    origination: str | None
    account_id: int | None
    category: str
    workload: str
    user_id: int
    team_id: int
    partner_id: int | None
    description: str | None = None
    ace_ids: list[str] = field(default_factory=list)
    expected_revenue: float = 0.0


@dataclass
class Ctx:
    """Seeded sources and everything generated so far (tables as column dicts, truth rows)."""

    scale: float
    seed: int
    rng: random.Random
    np_rng: np.random.Generator
    odoo: dict[str, dict[str, list]] = field(default_factory=dict)
    apn: dict[str, dict[str, list]] = field(default_factory=dict)
    truth: dict[str, list[tuple]] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    user_logins: dict[int, str] = field(default_factory=dict)
    user_names: dict[int, str] = field(default_factory=dict)
    apn_user_ids: list[str] = field(default_factory=list)
    apn_user_by_login: dict[str, str] = field(default_factory=dict)
    company_partner_id: int = 1
    vendor_partner_id: int = 0
    next_partner_id: int = 1
    ace_rows: list[dict] = field(default_factory=list)
    products: dict[str, int] = field(default_factory=dict)  # key -> product_product id
    product_names: dict[int, str] = field(default_factory=dict)
    spend: dict[tuple[int, date], float] = field(default_factory=dict)  # (customer idx, month) -> unblended
    counts: dict[str, int] = field(default_factory=dict)
    orders: list = field(default_factory=list)  # sales.Order
    planted: set[str] = field(default_factory=set)
    # the hard matching situations draw from their own stream, so the rest of the world stays as it was
    situation_rng: random.Random = field(default_factory=random.Random)

    def n(self, key: str, minimum: int = 1) -> int:
        """A target count at this scale, never below `minimum` so tiny scales keep every case."""
        return max(minimum, int(round(TARGETS[key] * self.scale)))

    def mess(self, kind: str, table: str, key: object, note: str = "") -> None:
        self.truth.setdefault("messiness", []).append((kind, table, str(key), note or None))
        self.planted.add(kind)

    def chance(self, p: float, kind: str) -> bool:
        """A seeded draw with probability p that is forced true until `kind` has been planted once,
        so every kind of mess exists even at tiny scales."""
        return self.rng.random() < p or kind not in self.planted

    def table(self, system: str, name: str, columns: list[str]) -> dict[str, list]:
        store = self.odoo if system == "odoo" else self.apn
        if name not in store:
            store[name] = {c: [] for c in columns}
        return store[name]

    def when(self, start: datetime, end: datetime) -> datetime:
        """A uniform moment between start and end, whole seconds."""
        span = max(1, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randrange(span))


def add_row(table: dict[str, list], **values) -> None:
    """Append one row; columns not given are NULL."""
    for column, items in table.items():
        items.append(values.get(column))
    unknown = set(values) - set(table)
    if unknown:
        raise KeyError(f"unknown columns {sorted(unknown)}")
