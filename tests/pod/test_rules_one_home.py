"""Each POD constant has one home (rules/pod.yml + the tenant's override): a tenant override reaches every
place that uses it, in dbt and in Python, and no model or macro keeps a copy of the default."""

from __future__ import annotations

import re
import textwrap

import pytest

from revops import rules, settings
from revops.dbt import dbt_env, with_rule_vars

DBT_SQL = [p for folder in ("models", "macros", "data-tests")
           for p in (settings.PROJECT_ROOT / "dbt_project" / folder).rglob("*.sql")]
OVERRIDE = """\
    extends: pod.yml
    rules:
      partner_originated: {ownership_value: Partner Sourced}
      match_confidence: {pass_threshold: 0.91, review_threshold: 0.61}
"""


@pytest.fixture()
def tenant(tmp_path, monkeypatch):
    (tmp_path / "tenants").mkdir()
    (tmp_path / "pod.yml").write_text((rules.rules_dir() / "pod.yml").read_text())
    (tmp_path / "tenants" / "acme.yml").write_text(textwrap.dedent(OVERRIDE))
    monkeypatch.setenv("REVOPS_RULES_DIR", str(tmp_path))
    return rules.load("acme")


def test_no_model_or_macro_keeps_a_copy_of_a_rule_constant():
    """The thresholds and the ownership value come only from the rules (macros match_threshold and
    partner_ownership_value); a literal default in SQL would ignore a tenant's override."""
    copies = []
    for path in DBT_SQL:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = re.sub(r"\{#.*?#\}|--.*", "", line)
            if ("'Partner Referral'" in code or "partner_originated_ownership" in code
                    or re.search(r"match_(pass|review)_threshold|'(pass|review)_threshold', *0\.\d", code)):
                copies.append(f"{path.name}:{number}: {line.strip()}")
    assert not copies, "rule constants copied into SQL:\n" + "\n".join(copies)
    users = {p.name for p in DBT_SQL if re.search(r"match_threshold\(|partner_ownership_value\(", p.read_text())}
    assert {"matching.sql", "pod_rules.sql", "normalize.sql", "int_match_candidates.sql", "decisions.sql",
            "rule_match_confidence.sql", "rule_partner_originated.sql",
            "assert_pod_no_auto_approve_below_pass_threshold.sql"} <= users


def test_python_reads_the_thresholds_from_the_resolved_rules(tenant):
    from matching.evaluate import band_thresholds

    assert tenant.match_thresholds() == {"pass": 0.91, "review": 0.61}
    assert band_thresholds(tenant) == {"pass": 0.91, "review": 0.61}
    assert rules.load("default").match_thresholds() == {"pass": 0.85, "review": 0.7}
    # recorded with the run: the override shows in the record and changes its hash
    assert tenant.record()["dbt_vars"]["pod_rules"]["partner_originated"]["ownership_value"] == "Partner Sourced"
    assert tenant.digest != rules.load("default").digest


def test_a_tenant_override_reaches_every_macro_that_uses_it(tenant, warehouse_server, monkeypatch):
    """dbt renders the macros every model uses with the tenant's values (the matching band of pod.matches,
    rule 4, the decisions' approval guard, staging's and the matching signal's partner ownership)."""
    from dbt.cli.main import dbtRunner

    for key, value in dbt_env().items():
        monkeypatch.setenv(key, value)
    inline = ("select {{ match_threshold('pass') }} as pass_threshold, {{ match_threshold('review') }} as review, "
              "{{ match_band('c') }} as band, {{ pod_match_level('c', 'i', 'n', 'd') }} as level, "
              "{{ is_partner_referral('o') }} as partner")
    root = str(settings.PROJECT_ROOT)
    args = with_rule_vars(["compile", "--inline", inline], tenant)
    result = dbtRunner().invoke([*args, "--project-dir", root, "--profiles-dir", root, "--quiet"])
    assert result.success, result.exception
    compiled = result.result.results[0].node.compiled_code
    assert "0.91" in compiled and "0.61" in compiled and "'Partner Sourced'" in compiled
    assert ">= 0.85" not in compiled and ">= 0.7" not in compiled and "Partner Referral" not in compiled
    assert compiled.count(">= 0.91") == 2 and compiled.count(">= 0.61") == 2
