"""The POD rules configuration (revops/rules.py): load, merge tenant overrides, reject bad files early."""

from __future__ import annotations

import json
import textwrap

import pytest

from revops import rules
from revops.dbt import with_rule_vars
from tests.conftest import revops


def write(path, text: str):
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture()
def tenant_dir(tmp_path):
    """A tenant folder beside a copy of the base rules (extends resolves next to the file, then in rules/)."""
    (tmp_path / "pod.yml").write_text((rules.rules_dir() / "pod.yml").read_text())
    return tmp_path


def test_base_rules_give_the_spec_defaults():
    rule_set = rules.load("default")
    values = rule_set.dbt_vars()
    assert values["pod_rule_ids"] == [
        "partner_originated", "spend_threshold", "end_user_reporting", "match_confidence", "eligibility", "timeline"]
    assert values["pod_rules"]["spend_threshold"]["threshold_usd"] == 5000
    assert values["pod_rules"]["spend_threshold"]["critical"] is True
    assert values["pod_rules"]["partner_originated"]["critical"] is True
    assert values["pod_rules"]["end_user_reporting"]["mode"] == "not_evaluated"
    assert values["pod_rules"]["timeline"]["close_within_days"] == 90
    assert rule_set.match_thresholds() == {"pass": 0.85, "review": 0.7}
    # the safe defaults: single signals lift into review at most, missing evidence asks for review, Closed Lost,
    # Rejected and Expired cannot earn POD
    assert values["pod_rules"]["match_confidence"]["single_signal_mode"] == "review"
    assert {rule["on_missing_data"] for rule in values["pod_rules"].values()} == {"review"}
    eligibility = values["pod_rules"]["eligibility"]
    assert eligibility["critical"] is True and "Closed Lost" not in eligibility["eligible_stages"]
    assert {"Rejected", "Expired"} <= set(eligibility["ineligible_statuses"])
    assert values["pod_tenant"] == "default" and values["pod_rule_set_version"].startswith("2026.11.1+")


def test_tenant_extends_the_base_and_overrides_only_what_it_names():
    base, tenant = rules.load("default"), rules.load("strict_timeline")
    assert tenant.config["rules"]["timeline"]["critical"] is True
    changed = {rule_id for rule_id in base.config["rules"] if base.config["rules"][rule_id] != tenant.config["rules"][rule_id]}
    assert changed == {"timeline"}
    assert tenant.version != base.version and tenant.tenant == "strict_timeline"


@pytest.mark.parametrize(("override", "message"), [
    ("rules:\n  spend_threshold:\n    treshold_usd: 100\n", "rules.spend_threshold.treshold_usd: unknown key"),
    ("rules:\n  spend_threshold:\n    threshold_usd: lots\n", "rules.spend_threshold.threshold_usd: must be a number"),
    ("rules:\n  spend_threshold:\n    threshold_usd: -5\n", "rules.spend_threshold.threshold_usd: must be > 0"),
    ("rules:\n  match_confidence:\n    pass_threshold: 1.5\n", "rules.match_confidence.pass_threshold: must be <= 1"),
    ("rules:\n  match_confidence:\n    review_threshold: 0.9\n", "review_threshold: must be <= pass_threshold"),
    ("rules:\n  timeline:\n    critical: maybe\n", "rules.timeline.critical: must be true or false"),
    ("rules:\n  timeline:\n    close_within_days: 30.5\n", "rules.timeline.close_within_days: must be a whole number"),
    ("rules:\n  spend_threshold:\n    spend_month: last_year\n", "must be one of before_creation, before_target_close"),
    ("rules:\n  new_program_rule:\n    enabled: true\n", "rules.new_program_rule: unknown rule (no model"),
    ("as_of_date: yesterday\n", "as_of_date: must be a date"),
    ("rules:\n  match_confidence:\n    single_signal_mode: approve\n",
     "rules.match_confidence.single_signal_mode: must be one of review, off, pass"),
    ("rules:\n  spend_threshold:\n    on_missing_data: ignore\n",
     "rules.spend_threshold.on_missing_data: must be one of pass, review, fail"),
    ("rules:\n  timeline:\n    on_missing_close_date: fail\n",
     "rules.timeline.on_missing_close_date: renamed; write on_missing_data: fail instead"),
    ("rules:\n  eligibility:\n    eligible_stages: Committed\n",
     "rules.eligibility.eligible_stages: must be a non-empty list of names"),
    ("rules:\n  eligibility:\n    eligible_statuses: [Approved, Rejected]\n",
     "rules.eligibility.ineligible_statuses: Rejected also listed in eligible_statuses"),
    ("colour: blue\n", "colour: unknown key"),
])
def test_bad_tenant_file_fails_with_file_key_and_reason(tenant_dir, override, message):
    path = write(tenant_dir / "bad.yml", "extends: pod.yml\n" + override)
    with pytest.raises(rules.RulesConfigError) as error:
        rules.load(str(path))
    assert str(path) in str(error.value) and message in str(error.value)


def test_missing_base_file_is_reported(tenant_dir):
    path = write(tenant_dir / "orphan.yml", "extends: nowhere.yml\n")
    with pytest.raises(rules.RulesConfigError, match="extends: nowhere.yml not found"):
        rules.load(str(path))


def test_every_dbt_command_gets_the_rule_vars_and_caller_vars_win(monkeypatch):
    monkeypatch.setenv("REVOPS_TENANT", "strict_timeline")
    args = with_rule_vars(["build", "-s", "pod", "--vars", "{pod_as_of_date: '2026-11-01'}"])
    assert args[:3] == ["build", "-s", "pod"] and args[3] == "--vars"
    passed = json.loads(args[4])
    assert passed["pod_as_of_date"] == "2026-11-01"
    assert passed["pod_tenant"] == "strict_timeline" and passed["pod_rules"]["timeline"]["critical"] is True
    assert with_rule_vars(["deps"]) == ["deps"]


def test_bad_config_stops_dbt_before_it_runs(tenant_dir, monkeypatch):
    path = write(tenant_dir / "bad.yml", "extends: pod.yml\nrules:\n  timeline:\n    close_within_days: 0\n")
    monkeypatch.setenv("REVOPS_TENANT", str(path))
    with pytest.raises(rules.RulesConfigError, match="close_within_days: must be >= 1"):
        with_rule_vars(["build"])


def test_cli_rules_check(tenant_dir):
    result = revops("rules", "check", "--tenant", "strict_timeline")
    assert "tenant strict_timeline" in result.stdout and "timeline" in result.stdout
    path = write(tenant_dir / "bad.yml", "extends: pod.yml\nrules:\n  timeline:\n    critical: 3\n")
    with pytest.raises(AssertionError, match="rules.timeline.critical: must be true or false"):
        revops("--tenant", str(path), "rules", "check")
