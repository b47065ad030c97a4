"""The optional third step of the README: Prefect's server on 127.0.0.1, `revops serve` creating the scheduled
deployment (with its cron schedule and scheduled runs, as the UI shows them), and the embedding step handed to a
deployment served by another worker (the GPU placement of the README's Operations section)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, execute, query

pytestmark = pytest.mark.slow

CRON = "15 5 * * 1-5"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen([sys.executable, *args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _poll(what: str, probe, timeout_s: float, process: subprocess.Popen, log_path: Path):
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
    pytest.fail(f"no {what} within {timeout_s:.0f} s; log:\n{log_path.read_text()[-4000:]}")


class Prefect:
    def __init__(self, api: str, env: dict, logs: Path):
        self.api, self.env, self.logs = api, env, logs
        self.processes: list[subprocess.Popen] = []

    def serve(self, *args: str) -> subprocess.Popen:
        name = args[args.index("--name") + 1]
        process = _start(["-m", "revops.cli", "serve", "--port", self.api.split(":")[2].split("/")[0], *args],
                         self.env, self.logs / f"serve-{name}.log")
        self.processes.append(process)
        return process

    def deployment(self, name: str, process: subprocess.Popen) -> dict:
        def probe():
            found = httpx.post(f"{self.api}/deployments/filter", json={}, timeout=5).json()
            return next((d for d in found if d["name"] == name), None)
        return _poll(f"deployment {name}", probe, 120, process, self.logs / f"serve-{name}.log")

    def flow_runs(self, deployment_id: str, state: str) -> list[dict]:
        body = {"deployments": {"id": {"any_": [deployment_id]}}, "flow_runs": {"state": {"type": {"any_": [state]}}}}
        return httpx.post(f"{self.api}/flow_runs/filter", json=body, timeout=5).json()


@pytest.fixture(scope="module")
def prefect(warehouse_server, tmp_path_factory):
    """`revops prefect-server` on a free port with a Prefect home of its own."""
    logs = tmp_path_factory.mktemp("prefect")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(logs / "home"), "PREFECT_API_URL": api,
           # the scheduler normally wakes once a minute; the test should not wait that long
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"}
    server = _start(["-m", "revops.cli", "prefect-server", "--port", str(port)], env, logs / "server.log")
    handle = Prefect(api, env, logs)
    try:
        _poll("healthy Prefect server", lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120,
              server, logs / "server.log")
        yield handle
    finally:
        for process in handle.processes:
            _stop(process)
        _stop(server)


def test_serve_creates_a_scheduled_deployment(prefect) -> None:
    serve = prefect.serve("--name", "test-daily", "--cron", CRON, "--timezone", "Europe/Berlin")
    created = prefect.deployment("test-daily", serve)
    schedules = [s["schedule"] for s in created["schedules"]]
    assert [(s.get("cron"), s.get("timezone")) for s in schedules] == [(CRON, "Europe/Berlin")], schedules
    assert created["parameters"] == {"full_refresh": False}
    runs = _poll("scheduled runs", lambda: prefect.flow_runs(created["id"], "SCHEDULED"), 90, serve,
                 prefect.logs / "serve-test-daily.log")
    assert all(run["expected_start_time"] > created["created"] for run in runs)


def test_embedding_step_runs_on_the_deployment_it_is_pointed_at(prefect, demo_run) -> None:
    wh = demo_run
    # three texts lose their vectors: the worker behind the deployment must embed exactly those
    removed = [row[0] for row in query(wh, "select text_id from embeddings.dense_vectors order by text_id limit 3")]
    execute(wh, "delete from embeddings.dense_vectors where text_id = any(%s)", (removed,))
    worker = prefect.serve("--embed-only", "--name", "gpu")
    deployment = prefect.deployment("gpu", worker)
    env = {**prefect.env, "REVOPS_EMBED_DEPLOYMENT": "revops-embed/gpu", "REVOPS_EMBED_TIMEOUT_S": "300"}
    caller = subprocess.run(
        [sys.executable, "-c", "import json; from revops import cli; cli._prepare_environment(); "
         "from orchestration.flow import embed; print('RESULT', json.dumps(embed()))"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=400)
    assert caller.returncode == 0, caller.stderr[-4000:]
    result = json.loads(caller.stdout.split("RESULT", 1)[1])
    assert result == {"model": "sentence-transformers/all-MiniLM-L6-v2", "dim": 384, "embedded": 3,
                      "device": "deployment revops-embed/gpu"}
    assert len(prefect.flow_runs(deployment["id"], "COMPLETED")) == 1
    assert query(wh, "select count(*) from embeddings.dense_vectors where text_id = any(%s)", (removed,))[0][0] == 3
