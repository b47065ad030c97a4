"""The source contract, checked before anything is written: every contracted column still exists in the
source with a compatible type.

The contract is the DDL in demo_data/sql (the project's copy of shared/sources, pinned by the contract
test); the staging models read exactly those columns, so a dropped or retyped one would otherwise land
silently as nothing."""

from __future__ import annotations

import re
from functools import lru_cache

import sqlalchemy as sa

from revops import settings

CONTRACT_DIR = settings.PROJECT_ROOT / "demo_data" / "sql"
STAGING_DIR = settings.PROJECT_ROOT / "dbt_project" / "models" / "staging"

# type families: a source may widen within a family (varchar → text, integer → bigint) without breaking a model
_FAMILIES = {
    "text": ("varchar", "character varying", "text", "char", "character", "bpchar", "citext"),
    "integer": ("serial", "bigserial", "smallserial", "integer", "int", "int4", "bigint", "int8", "smallint", "int2"),
    "number": ("numeric", "decimal", "double", "double precision", "real", "float", "float4", "float8"),
    "boolean": ("boolean", "bool"),
    "date": ("date",),
    "timestamp": ("timestamp", "timestamp without time zone", "timestamp with time zone", "timestamptz"),
    "json": ("json", "jsonb"),
}
_FAMILY_OF = {name: family for family, names in _FAMILIES.items() for name in names}
_WIDER = {"number": {"integer"}}  # an integer column still serves where a number is contracted


class ContractError(RuntimeError):
    """A source lacks, or has retyped, a column the contract (and so the staging models) needs."""


def family(type_name: str) -> str:
    name = re.sub(r"\(.*\)", "", type_name.lower()).strip()
    return _FAMILY_OF.get(name, _FAMILY_OF.get(name.split()[0], name))


@lru_cache(maxsize=None)
def contracted_columns(source_name: str) -> dict[str, dict[str, str]]:
    """{table: {column: contracted type}} parsed from the contract DDL of `source_name`."""
    tables: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in (CONTRACT_DIR / f"{source_name}.sql").read_text().splitlines():
        line = line.split("--", 1)[0].strip()
        started = re.match(r"CREATE TABLE (?:public\.)?(\w+)\s*\(", line, re.IGNORECASE)
        if started:
            current = tables.setdefault(started.group(1), {})
        elif current is not None and line.startswith(")"):
            current = None
        elif current is not None and line:
            parts = line.rstrip(",").split()
            if parts[0].upper() in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"):
                continue
            type_name = " ".join(parts[1:3]) if parts[1].lower() in ("double", "timestamp", "character") else parts[1]
            current[parts[0].strip('"')] = type_name
    return tables


def _models_reading(source_name: str, table: str) -> str:
    """For the error message only: reading every staging file costs ~0.5 s, so a passing check never does."""
    return ", ".join(_staging_models(source_name, table)) or "the staging models"


def _staging_models(source_name: str, table: str) -> list[str]:
    pattern = re.compile(rf"source\(\s*['\"]{source_name}['\"]\s*,\s*['\"]{table}['\"]\s*\)")
    return sorted(path.stem for path in STAGING_DIR.rglob("*.sql") if pattern.search(path.read_text()))


def check_source(engine: sa.engine.Engine, source_name: str, tables: list[str]) -> None:
    """Raise ContractError naming every contracted table or column of `tables` that the source lacks or has
    retyped."""
    missing = sorted(set(tables) - set(sa.inspect(engine).get_table_names(schema="public")))
    if missing:
        raise ContractError(
            f"source database {engine.url.database!r} lacks contracted tables {missing}: "
            "point the *_DATABASE_URL at a database that follows shared/sources, or run `revops demo-data`"
        )
    contract = contracted_columns(source_name)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("""select table_name, column_name, data_type from information_schema.columns
                       where table_schema = 'public' and table_name = any(:tables)"""),
            {"tables": list(tables)},
        ).fetchall()
    actual: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        actual.setdefault(table, {})[column] = data_type
    problems = []
    for table in tables:
        for column, contracted in contract.get(table, {}).items():
            found = actual[table].get(column)
            if found is None:
                problems.append(f"{table}.{column} is missing (contracted as {contracted}, "
                                f"read by {_models_reading(source_name, table)})")
            elif family(found) != family(contracted) and family(found) not in _WIDER.get(family(contracted), ()):
                problems.append(f"{table}.{column} is {found}, contracted as {contracted} "
                                f"(read by {_models_reading(source_name, table)})")
    if problems:
        raise ContractError(
            f"source {source_name} ({engine.url.database}) breaks the contract: {'; '.join(problems)}; nothing was "
            "loaded and the marts are as the last run left them: restore the column in the source (or its old "
            f"name or type), or change the contract in demo_data/sql/{source_name}.sql and the staging models "
            "that read it"
        )
