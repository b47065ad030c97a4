"""Where things live and how to reach them: every setting comes from the environment (or `.env`).

`Settings` (pydantic-settings) is the typed, validated view of every variable `.env.example` documents,
and this module is the only one that reads the environment or `.env`. An entry point (the CLI, a script)
builds it once with `validate()`, which turns each problem into one sentence naming the variable, what is
wrong and the fix, and makes it the process's settings with `activate()`; everything below it asks
`current()`. Without an entry point (tests, library use) `current()` builds the settings from the
environment as it is at that moment, so tests that change `os.environ` keep working. The small functions
below (`warehouse()`, `odoo()`, `home()`, ...) are views of `current()`.

The embedded server has password authentication: its generated passwords live in
`<REVOPS_HOME>/secrets.json` (ignored, mode 0600) and every URL the project builds for it carries them.
Passwords are masked (`mask_url`, `redact`) wherever a URL is printed or logged.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"

# Roles the project creates and keeps on the embedded server (see revops/warehouse.py).
SUPERUSER = "postgres"  # server administration only: roles, databases, the demo sources
LOADER_ROLE = "revops_loader"  # the pipeline: owns the warehouse database and everything it writes
READER_ROLE = "bi_reader"  # BI: reads the marts, nothing else
ROLES = (SUPERUSER, LOADER_ROLE, READER_ROLE)

URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
MAINTENANCE_DATABASES = ("postgres", "template0", "template1")
URL_EXAMPLE = "postgresql://USER:PASSWORD@HOST:5432/DATABASE"


class SettingsError(ValueError):
    """A setting is wrong; the message names the variable, the problem and the fix."""


# --- masking ----------------------------------------------------------------------------------------------

_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^/\s]*)(?P<tail>@)", re.IGNORECASE)
_DSN_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with its password replaced by `***` (a URL without one is returned as is)."""
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", url)


def _known_secrets() -> list[str]:
    secrets = [pw for pw in _read_secrets().values() if pw]
    try:
        config = current()
    except SettingsError:  # redacting the message of a bad setting: the URLs' passwords are masked above
        return sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
    secrets.append(config.revops_db_password or "")
    for value in (config.revops_database_url, config.odoo_database_url, config.apn_database_url):
        try:
            password = urlsplit(value or "").password
        except ValueError:
            password = None
        if password:
            secrets += [password, unquote(password)]
    return sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)


def redact(text: str) -> str:
    """`text` with passwords masked: in URLs, in libpq `password=` fields, and every known secret value."""
    text = mask_url(text)
    text = _DSN_PASSWORD.sub(lambda m: f"{m['head']}***", text)
    for secret in _known_secrets():
        text = text.replace(secret, "***")
    return text


# --- the embedded server's generated passwords -----------------------------------------------------------

def secrets_file() -> Path:
    """The embedded server's generated passwords (REVOPS_SECRETS_FILE, default <REVOPS_HOME>/secrets.json)."""
    return Path(current().revops_secrets_file or home() / "secrets.json").resolve()


_secrets_cache: dict[tuple, dict[str, str]] = {}


def _read_secrets() -> dict[str, str]:
    path = secrets_file()
    try:
        info = path.stat()
        key = (str(path), info.st_mtime_ns, info.st_size)
        if key not in _secrets_cache:
            _secrets_cache.clear()
            _secrets_cache[key] = json.loads(path.read_text())
        return dict(_secrets_cache[key])
    except (OSError, ValueError):
        return {}


def embedded_password(role: str) -> str:
    """The generated password of `role` on the embedded server ('' before `revops db up` made it)."""
    return _read_secrets().get(role, "")


def _is_embedded_address(host: str, port: int) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") and port == embedded_port()


# --- views of the current settings ------------------------------------------------------------------------

def home() -> Path:
    """The project's working folder: embedded database, its passwords, pipeline state, logs."""
    return Path(current().revops_home or PROJECT_ROOT / ".revops").resolve()


def embedded_port() -> int:
    return current().revops_pg_port


def _embedded_url(database: str, role: str = LOADER_ROLE) -> str:
    password = embedded_password(role)
    auth = f"{role}:{quote(password, safe='')}" if password else role
    return f"postgresql://{auth}@127.0.0.1:{embedded_port()}/{database}"


def warehouse_url() -> str:
    url = current().revops_database_url
    return check_url("REVOPS_DATABASE_URL", url, warehouse=True) if url else _embedded_url("revops")


def odoo_url() -> str:
    url = current().odoo_database_url
    return check_url("ODOO_DATABASE_URL", url) if url else _embedded_url("odoo_demo", SUPERUSER)


def apn_url() -> str:
    url = current().apn_database_url
    return check_url("APN_DATABASE_URL", url) if url else _embedded_url("apn_demo", SUPERUSER)


def reader_url() -> str:
    """The BI role's URL on the embedded server (with REVOPS_DATABASE_URL set: that URL's server and database)."""
    base = warehouse()
    if uses_embedded_warehouse():
        return _embedded_url(base.database, READER_ROLE)
    url = current().revops_reader_database_url
    return check_url("REVOPS_READER_DATABASE_URL", url, warehouse=True) if url else warehouse_url()


def uses_embedded_warehouse() -> bool:
    return not current().revops_database_url


def uses_demo_sources() -> bool:
    config = current()
    return not (config.odoo_database_url or config.apn_database_url)


def _check_port(variable: str, value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise SettingsError(f"{variable}={value!r} is not a port number: set it to a free TCP port such as 54329.") from None
    if not 1024 <= port <= 65535:
        raise SettingsError(f"{variable}={port} is outside 1024-65535: set it to a free unprivileged TCP port such as 54329.")
    return port


def check_url(variable: str, url: str, warehouse: bool = False) -> str:
    """`url` when it is a usable PostgreSQL URL, else a SettingsError naming `variable` (password masked)."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SettingsError(f"{variable} ({shown}) has an invalid host or port: write it as {URL_EXAMPLE} "
                            "(percent-encode @ : / in the password).") from None
    if "://" not in url or not parts.scheme:
        raise SettingsError(f"{variable} is not a URL: write it as {URL_EXAMPLE}.")
    if parts.scheme.lower() not in URL_SCHEMES:
        raise SettingsError(f"{variable} uses {parts.scheme}://, but the warehouse and sources are PostgreSQL: "
                            f"write it as {URL_EXAMPLE}.")
    if not parts.hostname:
        raise SettingsError(f"{variable} ({shown}) names no host: write it as {URL_EXAMPLE}.")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise SettingsError(f"{variable} ({shown}) names no database: add it after the port, e.g. "
                            f"{parts.scheme}://…:{port or 5432}/{'revops' if warehouse else 'odoo'}.")
    if warehouse and database in MAINTENANCE_DATABASES:
        raise SettingsError(f"{variable} ({shown}) names the maintenance database {database!r}: "
                            "point it at a database of the warehouse's own, e.g. …/revops.")
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    if query.get("sslmode", "prefer") not in SSLMODES:
        raise SettingsError(f"{variable} has sslmode={query['sslmode']!r}: use one of {', '.join(SSLMODES)}.")
    return url


@dataclass(frozen=True)
class ConnectionParts:
    host: str
    port: int
    user: str
    password: str
    database: str
    sslmode: str

    @classmethod
    def from_url(cls, url: str) -> "ConnectionParts":
        parts = urlsplit(url)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        host, port = parts.hostname or "127.0.0.1", parts.port or 5432
        user = unquote(parts.username or "postgres")
        password = unquote(parts.password or "")
        if not password and _is_embedded_address(host, port):
            password = embedded_password(user)  # the embedded server's generated password of that role
        return cls(
            host=host,
            port=port,
            user=user,
            password=password,
            database=unquote(parts.path.lstrip("/")) or "postgres",
            sslmode=query.get("sslmode", "prefer"),
        )

    def with_database(self, database: str) -> "ConnectionParts":
        return ConnectionParts(self.host, self.port, self.user, self.password, database, self.sslmode)

    def with_role(self, user: str, password: str | None = None) -> "ConnectionParts":
        """The same server and database as another role (the embedded server's password when none is given)."""
        if password is None:
            password = embedded_password(user) if _is_embedded_address(self.host, self.port) else ""
        return ConnectionParts(self.host, self.port, user, password, self.database, self.sslmode)

    def dsn(self) -> str:
        """libpq keyword DSN for psycopg2 (values quoted as libpq requires: \\ and ' escaped)."""
        fields = dict(
            host=self.host, port=self.port, user=self.user, dbname=self.database, sslmode=self.sslmode
        )
        if self.password:
            fields["password"] = self.password
        return " ".join(
            f"{k}='{str(v).replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
            for k, v in fields.items()
        )

    def url(self, show_password: bool = False) -> str:
        """A postgresql:// URL (password masked unless asked for)."""
        password = quote(self.password, safe="") if show_password else "***"
        auth = quote(self.user, safe="") + (f":{password}" if self.password else "")
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "" if self.sslmode == "prefer" else f"?sslmode={self.sslmode}"
        return urlunsplit(("postgresql", f"{auth}@{host}:{self.port}", f"/{quote(self.database)}", "", "")) + query

    def __str__(self) -> str:
        return self.url()

    def __repr__(self) -> str:  # never show the password in tracebacks or logs
        return f"ConnectionParts({self.url()!r})"

    def sqlalchemy_url(self, drivername: str = "postgresql+psycopg2") -> str:
        """A `postgresql+psycopg2://` URL (plain `postgresql://` would pick psycopg 3 in SQLAlchemy 2.1)."""
        from sqlalchemy.engine import URL

        return URL.create(
            drivername,
            username=self.user,
            password=self.password or None,
            host=self.host,
            port=self.port,
            database=self.database,
            query={"sslmode": self.sslmode},
        ).render_as_string(hide_password=False)

    def dbt_env(self) -> dict[str, str]:
        """Environment variables profiles.yml reads."""
        return {
            "REVOPS_DB_HOST": self.host,
            "REVOPS_DB_PORT": str(self.port),
            "REVOPS_DB_USER": self.user,
            "REVOPS_DB_PASSWORD": self.password,
            "DBT_ENV_SECRET_REVOPS_DB_PASSWORD": self.password,  # dbt masks DBT_ENV_SECRET_* in its logs
            "REVOPS_DB_NAME": self.database,
            "REVOPS_DB_SSLMODE": self.sslmode,
        }


def warehouse() -> ConnectionParts:
    return ConnectionParts.from_url(warehouse_url())


def reader() -> ConnectionParts:
    """The read-only BI role (bi_reader) on the warehouse."""
    return ConnectionParts.from_url(reader_url())


def odoo() -> ConnectionParts:
    return ConnectionParts.from_url(odoo_url())


def apn() -> ConnectionParts:
    return ConnectionParts.from_url(apn_url())


# --- every setting, typed and validated at start-up ------------------------------------------------------

_HINTS = {
    "revops_embedding_model": "use auto, bge-m3 or minilm",
    "pgserver_postgres_version": "use 16 or 18",
    "revops_as_of_date": "write it as YYYY-MM-DD",
}


class Settings(BaseSettings):
    """Every variable `.env.example` documents; the environment wins over `.env`, empty values count as unset."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, extra="ignore", env_ignore_empty=True)

    revops_database_url: Optional[str] = None
    odoo_database_url: Optional[str] = None
    apn_database_url: Optional[str] = None
    revops_reader_database_url: Optional[str] = None
    revops_home: Optional[Path] = None
    revops_secrets_file: Optional[Path] = None
    revops_pg_port: int = 54329
    revops_test_pg_port: int = 54339
    pgserver_postgres_version: Literal["16", "18"] = "18"
    revops_demo_scale: float = Field(0.05, gt=0, le=10)
    revops_demo_seed: int = 42
    revops_embedding_model: Literal["auto", "bge-m3", "minilm"] = "auto"
    revops_bge_m3_path: Optional[Path] = None
    revops_embedding_batch_size: int = Field(32, ge=1, le=4096)
    revops_rules_dir: Optional[Path] = None
    revops_tenant: Optional[str] = None
    revops_as_of_date: Optional[date] = None
    revops_schedule_cron: str = "0 6 * * *"
    revops_schedule_tz: str = "UTC"
    revops_embed_deployment: Optional[str] = None
    revops_embed_timeout_s: float = Field(3600, gt=0)
    revops_task_retries: Optional[int] = Field(None, ge=0, le=20)
    revops_allow_raw_shrink: bool = False
    revops_no_skip: bool = False  # run every stage even when nothing changed since the last run
    revops_reviewer: Optional[str] = None
    revops_db_password: Optional[str] = None  # only to mask it: dbt run by hand reads it (see .env.example)
    hf_home: Optional[Path] = None

    @field_validator("revops_database_url")
    @classmethod
    def _warehouse_url(cls, value: Optional[str]) -> Optional[str]:
        return value and check_url("REVOPS_DATABASE_URL", value, warehouse=True)

    @field_validator("odoo_database_url", "apn_database_url", "revops_reader_database_url")
    @classmethod
    def _source_url(cls, value: Optional[str], info) -> Optional[str]:
        return value and check_url(info.field_name.upper(), value)

    @field_validator("revops_pg_port", "revops_test_pg_port", mode="before")
    @classmethod
    def _port(cls, value, info) -> int:
        return _check_port(info.field_name.upper(), str(value))

    @field_validator("revops_demo_scale", "revops_embed_timeout_s")
    @classmethod
    def _finite(cls, value: float, info) -> float:
        if not math.isfinite(value):
            raise SettingsError(f"{info.field_name.upper()}={value} is not a finite number: set a plain number.")
        return value

    @field_validator("revops_bge_m3_path", "revops_rules_dir")
    @classmethod
    def _folder(cls, value: Optional[Path], info) -> Optional[Path]:
        if value is not None and not value.expanduser().is_dir():
            raise SettingsError(f"{info.field_name.upper()}={value} is not a folder: point it at an existing "
                                "folder or unset it.")
        return value

    @field_validator("revops_schedule_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise SettingsError(f"REVOPS_SCHEDULE_CRON={value!r} is not a 5-field cron expression: "
                                "write it like '0 6 * * *' (minute hour day month weekday).")
        return value

    @field_validator("revops_schedule_tz")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"REVOPS_SCHEDULE_TZ={value!r} is not a time zone: use an IANA name such as "
                                "UTC or Europe/Berlin.") from None
        return value

    @field_validator("revops_embed_deployment")
    @classmethod
    def _deployment(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value.count("/") != 1:
            raise SettingsError(f"REVOPS_EMBED_DEPLOYMENT={value!r} is not FLOW/DEPLOYMENT: write it like "
                                "revops-embed/gpu.")
        return value


def _sentence(error: dict) -> str:
    field = str(error["loc"][0]) if error.get("loc") else "a setting"
    variable = field.upper()
    context = error.get("ctx") or {}
    if isinstance(context.get("error"), SettingsError):
        return str(context["error"])
    hint = _HINTS.get(field, "fix or unset it")
    message = error["msg"].removeprefix("Value error, ")
    shown = "" if "url" in field else f"={error.get('input')!r}"
    return f"{variable}{shown} is invalid ({message}): {hint}."


def validate() -> Settings:
    """Every setting read from the environment and `.env` and checked at once; a SettingsError lists one
    sentence per problem."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("\n".join(_sentence(error) for error in exc.errors())) from None


# --- the process's settings --------------------------------------------------------------------------------

_active: Settings | None = None
_from_environment: dict[tuple, Settings] = {}


def activate(config: Settings | None) -> Settings | None:
    """Make `config` the settings of this process (an entry point calls it once with `validate()`'s result);
    None goes back to reading the environment. Returns the settings active before."""
    global _active
    previous, _active = _active, config
    return previous


def cli_options() -> list[str]:
    """`revops` global options that give a child `revops` process this process's tenant and as-of date."""
    config = current()
    options = ["--tenant", config.revops_tenant] if config.revops_tenant else []
    return options + (["--as-of", config.revops_as_of_date.isoformat()] if config.revops_as_of_date else [])


def current() -> Settings:
    """The settings the entry point activated, else the environment's and `.env`'s as they are now (built
    again only when one of their variables or `.env` changed). Raises SettingsError on a bad value."""
    if _active is not None:
        return _active
    try:
        stamp = ENV_FILE.stat().st_mtime_ns
    except OSError:
        stamp = None
    names = Settings.model_fields
    key = (tuple(sorted((k, v) for k, v in os.environ.items() if k.lower() in names)), stamp)
    if key not in _from_environment:
        _from_environment.clear()
        _from_environment[key] = validate()
    return _from_environment[key]
