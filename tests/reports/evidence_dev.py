"""Scratch database `evidence_dev` with the two marts the report site reads, filled with fake rows.

The real marts (`billing.cost_vs_invoice_monthly`, `pod.decisions`) are built by dbt; this fixture
lets the Evidence project be built and tested without the whole chain. Same columns and types as
the marts' contracts; deterministic data (fixed seed), so tests can look for known values.

    .venv/bin/python tests/reports/evidence_dev.py          # (re)create it on the embedded server
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import psycopg2
from psycopg2 import sql
from psycopg2.extras import execute_values

from revops.settings import ConnectionParts

DATABASE = "evidence_dev"

# Known values the tests look for in the built site.
FIRST_OPPORTUNITY_TITLE = "Data lake migration to S3 and Athena"
CUSTOMER_NAMES = [
    "Northwind Logistics",
    "Contoso Retail",
    "Fabrikam Health",
    "Globex Manufacturing",
    "Initech Software",
]

DDL = """
create schema billing;
create schema pod;

create table billing.cost_vs_invoice_monthly (
    billing_month date not null,
    aws_account_id text not null,
    aws_account_name text,
    payer_aws_account_id text,
    payer_account_name text,
    customer_id int,
    customer_name text,
    service_code text not null,
    aws_cost numeric(18, 2) not null,
    invoiced_amount numeric(18, 2) not null,
    posted_invoice_amount numeric(18, 2) not null,
    margin numeric(18, 2) not null,
    margin_pct numeric,
    currency_code text not null
);

create table pod.decisions (
    ace_opportunity_id text primary key,
    opportunity_title text,
    customer_company_name text,
    opportunity_ownership text,
    ace_stage text,
    target_close_date date,
    odoo_lead_id int,
    odoo_lead_name text,
    match_method text,
    confidence numeric,
    decision text not null,
    reasons text,
    decided_at timestamptz not null
);
"""

SERVICES = {
    "AmazonEC2": 1800,
    "AmazonRDS": 700,
    "AmazonS3": 250,
    "AWSLambda": 90,
    "AmazonCloudFront": 160,
    "AmazonEKS": 420,
}

TITLES = [
    FIRST_OPPORTUNITY_TITLE,
    "SAP on AWS landing zone",
    "Contact center modernisation with Amazon Connect",
    "Windows workloads to EC2",
    "Generative AI assistant on Bedrock",
    "Kubernetes platform on EKS",
    "Disaster recovery with Elastic DR",
    "Data warehouse to Redshift",
    "Serverless order pipeline",
    "Mainframe offload analytics",
]

STAGES = ["Prospect", "Qualified", "Technical Validation", "Business Validation", "Committed", "Launched"]
OWNERSHIP = ["Partner Referral", "Partner Referral", "Partner Referral", "AWS Referral"]


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _months(first: dt.date, count: int) -> list[dt.date]:
    out, year, month = [], first.year, first.month
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def billing_rows(rng: random.Random) -> list[tuple]:
    payers = [("111111111111", "Partner Payer EU"), ("222222222222", "Partner Payer US")]
    accounts = []
    for index, customer in enumerate(CUSTOMER_NAMES):
        for env in ("prod", "dev") if index < 3 else ("prod",):
            account_id = f"{rng.randrange(10**11, 10**12):012d}"
            payer = payers[index % 2]
            slug = customer.split()[0].lower()
            accounts.append((account_id, f"{slug}-{env}", payer, index + 101, customer, 1.0 if env == "prod" else 0.3))
    rows = []
    for month_index, month in enumerate(_months(dt.date(2024, 1, 1), 15)):
        growth = 1 + 0.03 * month_index
        for account_id, account_name, payer, customer_id, customer, scale in accounts:
            for service, base in SERVICES.items():
                cost = _money(base * scale * growth * rng.uniform(0.6, 1.4))
                markup = rng.choice([0.0, 0.04, 0.06, 0.08, 0.1]) if rng.random() > 0.05 else -0.05
                invoiced = _money(float(cost) * (1 + markup)) if rng.random() > 0.015 else Decimal("0.00")
                posted = invoiced if rng.random() > 0.1 else _money(float(invoiced) * 0.9)
                margin = invoiced - cost
                margin_pct = (margin / invoiced).quantize(Decimal("0.0001")) if invoiced else None
                rows.append(
                    (month, account_id, account_name, payer[0], payer[1], customer_id, customer, service,
                     cost, invoiced, posted, margin, margin_pct, "USD")
                )
    return rows


def decision_rows(rng: random.Random, count: int = 120) -> list[tuple]:
    rows = []
    as_of = dt.datetime(2025, 3, 31, 6, 0, tzinfo=dt.timezone.utc)
    for index in range(count):
        customer = CUSTOMER_NAMES[index % len(CUSTOMER_NAMES)]
        ownership = OWNERSHIP[index % len(OWNERSHIP)]
        method = rng.choice(["aws_account_id", "typed_ace_id", "partner_crm_id", "domain", "none"])
        title = TITLES[index % len(TITLES)] if index else FIRST_OPPORTUNITY_TITLE
        if method == "none":
            lead_id, lead_name, confidence = None, None, round(rng.uniform(0.2, 0.65), 3)
        else:
            lead_id = 5000 + index
            lead_name = f"{customer} - {title}"
            confidence = round(rng.uniform(0.7, 1.0), 3)
        reasons = []
        if ownership != "Partner Referral":
            decision = "auto_reject"
            reasons.append("Not partner originated: ownership is AWS Referral.")
        elif method == "none":
            decision = "auto_reject"
            reasons.append(f"No Odoo lead matched (best confidence {confidence:.2f} < 0.70).")
        elif confidence < 0.85:
            decision = "needs_review"
            reasons.append(f"Match confidence {confidence:.2f} is between 0.70 and 0.85.")
        else:
            decision = "auto_approve"
            reasons.append(f"Partner originated; matched by {method} ({confidence:.2f}); spend below $5,000.")
        rows.append(
            (
                f"O{1000000 + index * 37}",
                title,
                customer,
                ownership,
                STAGES[index % len(STAGES)],
                (as_of + dt.timedelta(days=rng.randrange(-20, 150))).date(),
                lead_id,
                lead_name,
                method,
                Decimal(str(confidence)),
                decision,
                " ".join(reasons),
                as_of,
            )
        )
    return rows


def create(server: ConnectionParts, database: str = DATABASE) -> ConnectionParts:
    """(Re)create `database` on `server` with both marts filled; returns its connection parts."""
    admin = psycopg2.connect(server.with_database("postgres").dsn())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        cursor.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    admin.close()

    target = server.with_database(database)
    rng = random.Random(20250331)
    with psycopg2.connect(target.dsn()) as connection, connection.cursor() as cursor:
        cursor.execute(DDL)
        execute_values(cursor, "insert into billing.cost_vs_invoice_monthly values %s", billing_rows(rng))
        execute_values(cursor, "insert into pod.decisions values %s", decision_rows(rng))
    connection.close()
    return target


if __name__ == "__main__":
    from revops import settings

    parts = create(settings.warehouse())
    print(f"created {parts.database} on {parts.host}:{parts.port}")
