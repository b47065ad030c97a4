"""Start-up validation: every bad setting is refused with one sentence naming the variable and the fix."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from revops import settings, warehouse

REPO = settings.PROJECT_ROOT


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://u:s3cr3tPW@127.0.0.1:54402", "names no database"),
    ("not a url", "is not a URL"),
    ("mysql://u:s3cr3tPW@db.example:3306/revops", "uses mysql://"),
    ("postgresql://u:s3cr3tPW@db.example:5432/postgres", "maintenance database"),
    ("postgresql://u:s3cr3tPW@db.example:99999/revops", "invalid host or port"),
    ("postgresql://u:s3cr3tPW@db.example/revops?sslmode=sometimes", "sslmode"),
])
def test_bad_warehouse_url_is_one_sentence_naming_the_variable(monkeypatch, url, expected):
    monkeypatch.setenv("REVOPS_DATABASE_URL", url)
    with pytest.raises(settings.SettingsError) as caught:
        settings.validate()
    message = str(caught.value)
    assert message.startswith("REVOPS_DATABASE_URL") and expected in message
    assert "s3cr3tPW" not in message
    assert message.count("\n") == 0 and message.endswith(".")
    with pytest.raises(settings.SettingsError):
        settings.warehouse()  # callers that skip start-up validation get the same sentence


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("REVOPS_DEMO_SCALE", "nan", "REVOPS_DEMO_SCALE"),
    ("REVOPS_PG_PORT", "5432x", "is not a port number"),
    ("REVOPS_EMBEDDING_MODEL", "bge", "use auto, bge-m3 or minilm"),
    ("REVOPS_AS_OF_DATE", "2026-13-01", "YYYY-MM-DD"),
    ("REVOPS_SCHEDULE_TZ", "Mars/Olympus", "IANA"),
    ("ODOO_DATABASE_URL", "odoo-db:5432", "ODOO_DATABASE_URL is not a URL"),
])
def test_other_bad_settings_name_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(settings.SettingsError, match=expected) as caught:
        settings.validate()
    assert variable in str(caught.value)


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("REVOPS_EMBEDDING_BATCH_SIZE=8\nREVOPS_DEMO_SEED=3\nREVOPS_TENANT=\n")
    monkeypatch.setenv("REVOPS_DEMO_SEED", "5")
    loaded = settings.Settings(_env_file=env_file)
    assert (loaded.revops_embedding_batch_size, loaded.revops_demo_seed, loaded.revops_tenant) == (8, 5, None)
    env_file.write_text("REVOPS_EMBEDDING_BATCH_SIZE=0\n")
    with pytest.raises(Exception, match="revops_embedding_batch_size"):
        settings.Settings(_env_file=env_file)


def test_passwords_are_masked_and_quoted():
    url = "postgresql://u:s3cr3t'PW@db.example:5432/revops"
    assert settings.mask_url(url) == "postgresql://u:***@db.example:5432/revops"
    parts = settings.ConnectionParts.from_url(url)
    assert "s3cr3t" not in repr(parts) and "s3cr3t" not in str(parts)
    escaped = "s3cr3t\\'PW"  # the quote inside the made-up password is backslash-escaped in the libpq DSN
    assert f"password='{escaped}'" in parts.dsn()
    assert "s3cr3t" not in settings.redact(f"failed: {parts.dsn()} / {url}")


def test_cli_refuses_bad_configuration_at_once():
    env = {**os.environ, "REVOPS_DATABASE_URL": "postgresql://u:s3cr3tPW@127.0.0.1:54402"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "revops.cli", "db", "status"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "REVOPS_DATABASE_URL" in result.stderr and "names no database" in result.stderr
    assert "s3cr3tPW" not in result.stdout + result.stderr
    assert time.monotonic() - started < 20


def test_unreachable_source_is_named_quickly(monkeypatch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ODOO_DATABASE_URL", f"postgresql://reader:s3cr3tPW@127.0.0.1:{port}/odoo")
    started = time.monotonic()
    with pytest.raises(warehouse.WarehouseError) as caught:
        warehouse.check_source("odoo")
    message = str(caught.value)
    assert "Odoo source" in message and "ODOO_DATABASE_URL" in message and "s3cr3tPW" not in message
    assert time.monotonic() - started < 10


def test_status_of_an_unreachable_warehouse_masks_its_password():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "REVOPS_DATABASE_URL": f"postgresql://loader:s3cr3t%27PW@127.0.0.1:{port}/revops"}
    result = subprocess.run([sys.executable, "-m", "revops.cli", "db", "status"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and '"running": false' in result.stdout
    assert "loader:***@127.0.0.1" in result.stdout
    assert "s3cr3t" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_non_finite_rule_numbers_are_refused_naming_the_key(tmp_path, monkeypatch, value):
    import shutil

    from revops import rules

    shutil.copytree(REPO / "rules", tmp_path / "rules")
    pod = tmp_path / "rules" / "pod.yml"
    text = pod.read_text()
    assert "    pass_threshold: 0.85\n" in text
    pod.write_text(text.replace("    pass_threshold: 0.85\n", f"    pass_threshold: {value}\n"))
    monkeypatch.setenv("REVOPS_RULES_DIR", str(tmp_path / "rules"))
    with pytest.raises(rules.RulesConfigError, match=r"match_confidence\.pass_threshold: must be a finite number"):
        rules.load(None)
