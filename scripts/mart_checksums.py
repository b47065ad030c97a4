"""Checksums of the marts and the latest match evaluation: the same demo must give the same lines
before and after a refactoring.

    REVOPS_AS_OF_DATE=2026-11-01 revops run --no-report && revops eval && python scripts/mart_checksums.py

One line per table of `core`, `billing` and `pod` (`decisions`, `matches`, ...): row count and the md5 of its
rows in a fixed order, without the columns that only say when a run wrote a row (timestamps of the run).
Then the figures of the newest `ops.match_eval` row (without its id and time).
"""

from __future__ import annotations

import sys

from revops import settings, warehouse

SCHEMAS = ("core", "billing", "pod")
# when a run wrote a row, not what it holds
RUN_TIME_COLUMNS = {"row_changed_at", "built_at", "decided_at", "dbt_valid_from", "dbt_valid_to", "dbt_updated_at",
                    "snapshotted_at", "dbt_scd_id", "evaluated_at", "exported_at", "decision_changed_at",
                    "changed_at", "loaded_at", "scored_at", "_dlt_load_id"}


def checksums(cur) -> list[str]:
    cur.execute(
        """select table_schema, table_name from information_schema.tables
           where table_schema = any(%s) and table_type in ('BASE TABLE', 'VIEW')
           order by table_schema, table_name""",
        (list(SCHEMAS),),
    )
    lines = []
    for schema, table in cur.fetchall():
        cur.execute(
            """select column_name from information_schema.columns
               where table_schema = %s and table_name = %s order by ordinal_position""",
            (schema, table),
        )
        columns = [c for (c,) in cur.fetchall() if c not in RUN_TIME_COLUMNS]
        quoted = ", ".join(f'"{c}"' for c in columns)
        cur.execute(
            f"""select count(*), md5(coalesce(string_agg(r, E'\\n' order by r), ''))
                from (select (row({quoted}))::text as r from "{schema}"."{table}") as rows"""
        )
        count, digest = cur.fetchone()
        lines.append(f"{schema}.{table:<36} {count:>8} {digest}")
    return lines


def evaluation(cur) -> list[str]:
    cur.execute("select to_regclass('ops.match_eval') is not null")
    if not cur.fetchone()[0]:
        return ["eval: none"]
    cur.execute("select * from ops.match_eval order by evaluated_at desc limit 1")
    names = [d.name for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    return [f"eval.{k} = {v}" for k, v in row.items() if k not in ("eval_id", "evaluated_at")]


def main() -> int:
    settings.activate(settings.validate())
    with warehouse.connect() as conn, conn.cursor() as cur:
        for line in checksums(cur) + evaluation(cur):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
