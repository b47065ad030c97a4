"""Signals added for the hard situations (issue 13) that need more than one candidate pair to compute.

Name rarity (Splink's term-frequency adjustment, in its simplest form): how many Odoo customers carry the same
normalised company name. "Cloud Solutions" on four customers supports none of them on its own; a unique name does.
"""

from __future__ import annotations

from collections import Counter

from matching.names import normalise_company_name

CUSTOMERS_RELATION = "core.customers"


def customer_name_counts(cur) -> Counter:
    """Normalised company name -> number of distinct Odoo customers with it (empty before core is built)."""
    cur.execute(f"select to_regclass('{CUSTOMERS_RELATION}') is not null")
    if not cur.fetchone()[0]:
        return Counter()
    cur.execute(f"select customer_id, customer_name from {CUSTOMERS_RELATION} where customer_name is not null")
    seen: dict[str, set] = {}
    for customer_id, name in cur.fetchall():
        key = normalise_company_name(name)
        if key:
            seen.setdefault(key, set()).add(customer_id)
    return Counter({key: len(ids) for key, ids in seen.items()})


def add_name_rarity(cur, candidates: list[dict]) -> None:
    """`odoo_name_customers`: customers sharing the normalised name of the pair's Odoo customer (1 = unique)."""
    counts = customer_name_counts(cur)
    for row in candidates:
        key = normalise_company_name(row.get("odoo_customer_name"))
        row["odoo_name_customers"] = counts.get(key, 1) if key else None
