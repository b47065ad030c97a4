"""Where things live and how to reach them: every setting comes from the environment (or `.env`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_dotenv(path: Path | None = None) -> None:
    """Read KEY=VALUE lines from `.env` into os.environ; variables already set win."""
    path = path or PROJECT_ROOT / ".env"
    if not path.is_file():
        return
    for raw_line in path.read_text().splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def home() -> Path:
    """The project's working folder: embedded database, pipeline state, logs."""
    return Path(os.environ.get("REVOPS_HOME", PROJECT_ROOT / ".revops")).resolve()


def embedded_port() -> int:
    return int(os.environ.get("REVOPS_PG_PORT", "54329"))


def _embedded_url(database: str) -> str:
    return f"postgresql://postgres@127.0.0.1:{embedded_port()}/{database}"


def warehouse_url() -> str:
    return os.environ.get("REVOPS_DATABASE_URL") or _embedded_url("revops")


def odoo_url() -> str:
    return os.environ.get("ODOO_DATABASE_URL") or _embedded_url("odoo_demo")


def apn_url() -> str:
    return os.environ.get("APN_DATABASE_URL") or _embedded_url("apn_demo")


def uses_embedded_warehouse() -> bool:
    return not os.environ.get("REVOPS_DATABASE_URL")


def uses_demo_sources() -> bool:
    return not (os.environ.get("ODOO_DATABASE_URL") or os.environ.get("APN_DATABASE_URL"))


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
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or "postgres",
            sslmode=query.get("sslmode", "prefer"),
        )

    def with_database(self, database: str) -> "ConnectionParts":
        return ConnectionParts(self.host, self.port, self.user, self.password, database, self.sslmode)

    def dsn(self) -> str:
        """libpq keyword DSN for psycopg2."""
        fields = dict(
            host=self.host, port=self.port, user=self.user, dbname=self.database, sslmode=self.sslmode
        )
        if self.password:
            fields["password"] = self.password
        return " ".join(f"{k}='{v}'" for k, v in fields.items())

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
            "REVOPS_DB_NAME": self.database,
            "REVOPS_DB_SSLMODE": self.sslmode,
        }


def warehouse() -> ConnectionParts:
    return ConnectionParts.from_url(warehouse_url())


def odoo() -> ConnectionParts:
    return ConnectionParts.from_url(odoo_url())


def apn() -> ConnectionParts:
    return ConnectionParts.from_url(apn_url())
