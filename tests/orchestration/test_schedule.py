"""The optional third step of the README: Prefect's server on 127.0.0.1 and `revops serve` creating the scheduled
deployment, which then shows in the API the UI reads, with its cron schedule and scheduled runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import REPO

CRON = "15 5 * * 1-5"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "revops.cli", *args], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _poll(what: str, probe, timeout_s: float, log_path, process: subprocess.Popen) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited ({process.returncode}) before {what}; log:\n{log_path.read_text()[-4000:]}")
        try:
            found = probe()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"{what} within {timeout_s:.0f} s; log:\n{log_path.read_text()[-4000:]}")


@pytest.mark.slow
def test_serve_creates_a_scheduled_deployment(warehouse_server, tmp_path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           # the scheduler normally wakes once a minute; the test should not wait that long
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"}
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    with server_log.open("w") as slog, serve_log.open("w") as dlog:
        server = _start(["prefect-server", "--port", str(port)], env, slog)
        serve = None
        try:
            _poll("Prefect server healthy", lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200,
                  120, server_log, server)
            serve = _start(["serve", "--port", str(port), "--name", "test-daily", "--cron", CRON,
                            "--timezone", "Europe/Berlin"], env, dlog)

            def deployment():
                found = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
                return next((d for d in found if d["name"] == "test-daily"), None)

            created = _poll("deployment test-daily created", deployment, 120, serve_log, serve)
            schedules = [s["schedule"] for s in created["schedules"]]
            assert [(s.get("cron"), s.get("timezone")) for s in schedules] == [(CRON, "Europe/Berlin")], schedules
            assert created["parameters"] == {"full_refresh": False}

            def scheduled_runs():
                body = {"deployments": {"id": {"any_": [created["id"]]}},
                        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}
                return httpx.post(f"{api}/flow_runs/filter", json=body, timeout=5).json()

            runs = _poll("scheduled runs of the deployment", scheduled_runs, 90, server_log, serve)
            assert all(run["expected_start_time"] > created["created"] for run in runs)
        finally:
            if serve is not None:
                _stop(serve)
            _stop(server)
