"""Build the Evidence report site in `reports/` against the warehouse.

The pipeline calls `install()` once (npm ci, skipped while `package-lock.json` is unchanged),
then `build(warehouse)`: `npm run sources` pulls the marts into parquet, `npm run build:strict`
renders the static site into `reports/build/`. Connection settings reach Evidence only through
`EVIDENCE_SOURCE__warehouse__<option>` environment variables (nothing secret is written to disk).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from revops import settings

log = logging.getLogger(__name__)

REPORTS_DIR = settings.PROJECT_ROOT / "reports"
SOURCE_NAME = "warehouse"  # sources/warehouse/connection.yaml; Evidence 39 accepts no digits here
MIN_NODE_MAJOR = 18
STAMP_NAME = ".revops-install-stamp"
OUTPUT_TAIL_CHARS = 4000

# libpq sslmode -> node-postgres PGSSLMODE. node-postgres cannot fall back from TLS to plain
# ("allow"/"prefer"), so those connect without TLS; "require" encrypts without verifying the
# certificate, as libpq does; "verify-ca" is treated as the stricter "verify-full".
_PG_SSLMODES = {
    "disable": "disable",
    "allow": "disable",
    "prefer": "disable",
    "require": "no-verify",
    "verify-ca": "verify-full",
    "verify-full": "verify-full",
}


class ReportError(RuntimeError):
    """The report site could not be installed or built; the message says why."""


def _tail(text: str, chars: int = OUTPUT_TAIL_CHARS) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text or "")  # drop terminal colours
    lines = [line for line in text.splitlines() if "Unknown user config" not in line and "Unknown env config" not in line]
    # npm prints its error first and then pages of usage text: keep the error lines, drop the help
    if any(line.startswith("npm error code") for line in lines):
        first = next(i for i, line in enumerate(lines) if line.startswith("npm error code"))
        errors = [line for line in lines[first:] if line.startswith("npm error ") and not line.startswith("npm error  ")]
        lines = lines[:first] + errors[:12] + [line for line in lines[first:] if "complete log" in line]
    text = "\n".join(lines)
    return text if len(text) <= chars else "…" + text[-chars:]


def _npm() -> str:
    """Path of npm, after checking that Node.js is new enough."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise ReportError(
            f"Node.js and npm are needed to build the report site (node: {node or 'missing'}, "
            f"npm: {npm or 'missing'}). Install Node.js >= {MIN_NODE_MAJOR} (e.g. `apt-get install nodejs npm`)."
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    match = re.match(r"v(\d+)", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise ReportError(f"Node.js {version or '?'} is too old for Evidence: need >= {MIN_NODE_MAJOR}.")
    return npm


def _base_env() -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "NPM_CONFIG_UPDATE_NOTIFIER": "false",
            "NPM_CONFIG_FUND": "false",
            "NPM_CONFIG_AUDIT": "false",
            "NPM_CONFIG_LOGLEVEL": "error",  # npm's own chatter (warnings) stays out of the log tail
        }
    )
    return env


def _run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout_s: float,
    what: str,
    done_marker: str | None = None,
    linger_s: float = 20,
) -> str:
    """Run `command`, return its combined output; on failure or timeout raise with the output's tail.

    npm starts node, which starts vite workers: the command runs in its own process group so a
    timeout stops all of them. `evidence sources` can print its `done_marker` and then never exit
    (a pg connection left open after a failed query): `linger_s` after the marker the group is
    stopped and the run counts as finished; the caller judges the output.
    """
    log.info("%s: %s (in %s)", what, " ".join(command), cwd)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    output: list[str] = []
    done_at = None
    timed_out = lingered = False
    while True:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            line = ""
        if line is None:
            break
        if line:
            output.append(line)
            log.debug("%s | %s", what, line.rstrip())
            if done_marker and done_marker in line:
                done_at = time.monotonic()
        now = time.monotonic()
        if now - started > timeout_s:
            timed_out = True
        elif done_at is not None and now - done_at > linger_s and process.poll() is None:
            lingered = True
        if timed_out or lingered:
            _kill_group(process)
            break
    process.wait()
    text = "".join(output)
    elapsed = time.monotonic() - started
    if timed_out:
        raise ReportError(f"{what} timed out after {timeout_s:.0f} s. Last output:\n{_tail(text)}")
    if lingered:
        log.warning("%s printed %r but did not exit; stopped it after %.0f s", what, done_marker, linger_s)
    elif process.returncode != 0:
        raise ReportError(f"{what} failed (exit {process.returncode}, {elapsed:.0f} s). Last output:\n{_tail(text)}")
    log.info("%s finished in %.1f s", what, elapsed)
    return text


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _lock_digest(reports_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        path = reports_dir / name
        if not path.is_file():
            raise ReportError(f"{path} is missing: the report project is incomplete.")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def install(reports_dir: Path = REPORTS_DIR, timeout_s: float = 900) -> bool:
    """`npm ci` when node_modules is missing or package.json/package-lock.json changed since the last
    install; returns True when it installed. Needs the npm registry, nothing else."""
    reports_dir = Path(reports_dir)
    npm = _npm()
    stamp = reports_dir / "node_modules" / STAMP_NAME
    digest = _lock_digest(reports_dir)
    if stamp.is_file() and stamp.read_text().strip() == digest:
        log.info("report dependencies up to date (%s)", reports_dir / "node_modules")
        return False
    try:
        _run([npm, "ci", "--no-audit", "--no-fund"], reports_dir, _base_env(), timeout_s, "npm ci")
    except ReportError as error:
        # A registry mirror that serves only this platform's optional packages (rollup's
        # @rollup/rollup-<os>-<cpu>) cannot produce a lock file `npm ci` accepts ("Missing: … from
        # lock file"). `npm install --no-save` still installs exactly the locked versions.
        if "from lock file" not in str(error):
            raise
        log.warning("npm ci refused the lock file (platform packages missing); installing the locked tree with npm install")
        before = (reports_dir / "package-lock.json").read_bytes()
        _run([npm, "install", "--no-save", "--no-audit", "--no-fund"], reports_dir, _base_env(), timeout_s, "npm install")
        if (reports_dir / "package-lock.json").read_bytes() != before:
            (reports_dir / "package-lock.json").write_bytes(before)
            raise ReportError("npm install changed package-lock.json: the lock file does not match package.json")
    stamp.write_text(digest + "\n")
    return True


def evidence_env(warehouse: settings.ConnectionParts) -> dict[str, str]:
    """Environment variables that point the Evidence source `warehouse` at `warehouse`."""
    prefix = f"EVIDENCE_SOURCE__{SOURCE_NAME}__"
    env = {
        prefix + "host": warehouse.host,
        prefix + "port": str(warehouse.port),
        prefix + "database": warehouse.database,
        prefix + "user": warehouse.user,
        "PGSSLMODE": _PG_SSLMODES.get(warehouse.sslmode, "disable"),
    }
    if warehouse.password:
        env[prefix + "password"] = warehouse.password
    return env


def source_relations(reports_dir: Path = REPORTS_DIR) -> list[str]:
    """Schema-qualified tables the thin source queries select from (`from schema.table`)."""
    relations: set[str] = set()
    for query in sorted((Path(reports_dir) / "sources" / SOURCE_NAME).glob("*.sql")):
        text = re.sub(r"--[^\n]*", "", query.read_text())
        relations.update(m.lower() for m in re.findall(r"\b(?:from|join)\s+([A-Za-z_][\w]*\.[A-Za-z_][\w]*)", text, re.I))
    return sorted(relations)


def missing_relations(warehouse: settings.ConnectionParts, reports_dir: Path = REPORTS_DIR) -> list[str]:
    """The source tables that do not exist in the warehouse (a clearer error than Evidence gives)."""
    import psycopg2

    relations = source_relations(reports_dir)
    try:
        with psycopg2.connect(warehouse.dsn(), connect_timeout=15) as connection, connection.cursor() as cursor:
            cursor.execute("select name from unnest(%s::text[]) as name where to_regclass(name) is null", (relations,))
            return [row[0] for row in cursor.fetchall()]
    except psycopg2.OperationalError as error:
        where = f"{warehouse.host}:{warehouse.port}/{warehouse.database}"
        raise ReportError(f"cannot reach the warehouse at {where}: {str(error).strip()}") from error


def build(
    warehouse: settings.ConnectionParts,
    reports_dir: Path = REPORTS_DIR,
    strict: bool = True,
    timeout_s: float = 1800,
) -> Path:
    """Pull the marts (`npm run sources`) and build the static site; returns `reports/build`.

    The strict build fails on any query or component error, so a broken page never ships.
    """
    reports_dir = Path(reports_dir)
    phases = LAST_BUILD_SECONDS
    phases.clear()
    started = time.monotonic()
    install(reports_dir)
    npm = _npm()
    phases["install"] = round(time.monotonic() - started, 1)

    env = _base_env()
    prefix = f"EVIDENCE_SOURCE__{SOURCE_NAME}__"
    for key in [k for k in env if k.startswith(prefix)]:
        del env[key]  # nothing stale (an old password) from the caller's environment
    env.update(evidence_env(warehouse))

    build_dir = reports_dir / "build"
    shutil.rmtree(build_dir, ignore_errors=True)  # Evidence copies over an old build; start clean
    # The site is built inside .evidence/template; telemetry reads its settings from the cwd.
    template = reports_dir / ".evidence" / "template"
    template.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(reports_dir / "evidence.settings.json", template / "evidence.settings.json")

    where = f"{warehouse.host}:{warehouse.port}/{warehouse.database}"
    missing = missing_relations(warehouse, reports_dir)
    if missing:
        raise ReportError(
            f"the report's source queries read {', '.join(missing)}, which do not exist in {where}: "
            "build the marts first (dbt build)"
        )
    started = time.monotonic()
    output = _run(
        [npm, "run", "sources"], reports_dir, env, timeout_s, f"evidence sources ({where})", done_marker="Done!"
    )
    phases["sources"] = round(time.monotonic() - started, 1)
    failed = [line.strip() for line in _tail(output, len(output)).splitlines() if "✖" in line or "[ ! ]" in line]
    if failed or "Done!" not in output:
        raise ReportError(
            f"evidence sources ({where}) failed:\n" + ("\n".join(failed) or "no 'Done!' line") + f"\nLast output:\n{_tail(output)}"
        )
    repaired = write_empty_parquet_files(reports_dir)
    if repaired:
        log.info("source queries with no rows (written as empty tables): %s", ", ".join(repaired))
    started = time.monotonic()
    _run([npm, "run", "build:strict" if strict else "build"], reports_dir, env, timeout_s, "evidence build")
    phases["evidence_build"] = round(time.monotonic() - started, 1)

    if not (build_dir / "index.html").is_file():
        raise ReportError(f"evidence build finished but {build_dir / 'index.html'} is missing")
    pruned = prune_prerendered_queries(build_dir)
    if pruned:
        log.info("dropped %d prerendered query results over %d bytes (they run in the browser)", len(pruned), PRERENDERED_MAX_BYTES)
    log.info("report build seconds by phase: %s", phases)
    return build_dir


# Seconds of each phase of the last `build()` in this process (install, sources, evidence_build): the build benchmark
# prints them, so a slow build says whether the marts' export or Evidence's own compile and prerender took the time.
LAST_BUILD_SECONDS: dict[str, float] = {}


# A prerendered query result larger than this is dropped from the build: the browser fetches every prerendered result
# of a page before showing it, and the Cost Explorer's row-level `selected` query alone is ~60 MB at scale 1.0 (only
# the aggregates built on it are shown). Without it the query runs in the browser, after the page is interactive.
# 6 MB keeps the POD review's default view prerendered at scale 1.0 (`reviewed` 2.7 MB, `filtered` 2.4 MB): 1.08 s
# to interactive against 1.76 s with them dropped, measured in one run (tests/reports/benchmark_site_interactive.py).
PRERENDERED_MAX_BYTES = 6_000_000


def prune_prerendered_queries(build_dir: Path, max_bytes: int = PRERENDERED_MAX_BYTES) -> list[str]:
    """Drop prerendered query results over `max_bytes` from `build_dir/api` (files and index entries); returns their names."""
    api = build_dir / "api"
    results = api / "prerendered_queries"
    pruned: list[str] = []
    for index in api.glob("*/*/all-queries.json"):
        queries = json.loads(index.read_text())
        kept = {}
        for name, digest in queries.items():
            arrow = results / f"{digest}.arrow"
            if arrow.is_file() and arrow.stat().st_size > max_bytes:
                pruned.append(name)
            else:
                kept[name] = digest
        if len(kept) != len(queries):
            index.write_text(json.dumps(kept))
    for arrow in results.glob("*.arrow"):
        if arrow.stat().st_size > max_bytes:
            arrow.unlink()
    return pruned


# Evidence's column types (sources/<name>/<query>.schema.json) -> the parquet types `evidence sources` writes
_EVIDENCE_ARROW_TYPES = {"string": "string", "number": "float64", "boolean": "bool", "date": "timestamp[us]"}


def write_empty_parquet_files(reports_dir: Path = REPORTS_DIR) -> list[str]:
    """Give every source query that returned no rows a valid, empty parquet file.

    Evidence 39 writes a 0-byte file for an empty result, and the build then dies with "too small to be a
    Parquet file" (an empty mart is normal: no evaluation yet, no findings). The column names and types are
    in the `.schema.json` Evidence writes next to it. Returns the repaired query names.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    data_dir = Path(reports_dir) / ".evidence" / "template" / "static" / "data"
    repaired = []
    for parquet in sorted(data_dir.glob("*/*/*.parquet")):
        if parquet.stat().st_size > 0:
            continue
        schema_file = parquet.with_suffix(".schema.json")
        if not schema_file.is_file():
            raise ReportError(f"{parquet} is empty and has no {schema_file.name}: cannot write an empty table")
        columns = json.loads(schema_file.read_text())
        schema = pa.schema(
            [(c["name"], pa.type_for_alias(_EVIDENCE_ARROW_TYPES.get(c.get("evidenceType"), "string"))) for c in columns]
        )
        pq.write_table(schema.empty_table(), parquet)
        parquet.chmod(0o644)
        repaired.append(parquet.stem)
    return repaired


def serve_hint(reports_dir: Path = REPORTS_DIR) -> str:
    """How to open the built site."""
    reports_dir = Path(reports_dir)
    build_dir = reports_dir / "build"
    return (
        f"Report site built in {build_dir}. Open it with either\n"
        f"  cd {reports_dir} && npm run preview          # serves build/ at http://localhost:3000\n"
        f"  python -m http.server 3000 --bind 127.0.0.1 -d {build_dir}   # then open http://127.0.0.1:3000/"
    )
