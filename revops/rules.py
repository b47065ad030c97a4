"""POD rule configuration: load `rules/pod.yml` (plus a tenant override), validate it, turn it into dbt vars.

A tenant file (`rules/tenants/<name>.yml`) starts with `extends: pod.yml` (resolved next to the file, then in
`rules/`) and overrides only what differs; chains of `extends` are allowed. Every file is checked on its own
(unknown key, wrong type, value out of range) and the merged result once more (cross-field checks), so a bad
configuration fails before dbt runs, naming the file, the key and the reason.

A run resolves the rule set once (`load`: tenant + as-of applied), records it with the run in `ops`
(`RuleSet.record`) and hands the same object to every stage: dbt gets it as vars (`revops.dbt.run_dbt`):
`pod_rules` (rule id -> settings), `pod_rule_ids` (evaluation order), `pod_as_of_date`, `pod_tenant`,
`pod_rule_set_version`; the matching models, the rules and the decisions read rule 4's thresholds and the
partner-originated ownership value from `pod_rules` through one macro each (`match_threshold`,
`partner_ownership_value`), and Python (the evaluation) from the same object (`match_thresholds`).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from revops import settings

BASE_FILE = "pod.yml"
RULE_MODEL_DIR = Path("dbt_project") / "models" / "pod" / "rules"
TOP_LEVEL_KEYS = {"extends", "rule_set_version", "as_of_date", "rules"}
OUTCOMES_ON = ("pass", "review", "fail")


class RulesConfigError(ValueError):
    """A rules file is unreadable or invalid; the message lists every problem as `file: key: reason`."""


# --- schema -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    kind: str  # bool | number | integer | string | choice | list (of non-empty strings)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        """None when the value is acceptable, else the reason."""
        if self.kind == "bool":
            return None if isinstance(value, bool) else f"must be true or false (got {value!r})"
        if self.kind == "string":
            return None if isinstance(value, str) and value.strip() else f"must be a non-empty string (got {value!r})"
        if self.kind == "choice":
            return None if value in self.choices else f"must be one of {', '.join(self.choices)} (got {value!r})"
        if self.kind == "list":
            if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
                return None
            return f"must be a non-empty list of names, e.g. [Approved] (got {value!r})"
        if self.kind in ("number", "integer"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"must be a number (got {value!r})"
            if self.kind == "integer" and not isinstance(value, int):
                return f"must be a whole number (got {value!r})"
            if not math.isfinite(value):
                return f"must be a finite number, not {value!r}: write a plain number such as 0.85"
            low = self.minimum
            if low is not None and (value <= low if self.exclusive_minimum else value < low):
                return f"must be {'>' if self.exclusive_minimum else '>='} {low:g} (got {value!r})"
            if self.maximum is not None and value > self.maximum:
                return f"must be <= {self.maximum:g} (got {value!r})"
            return None
        raise AssertionError(self.kind)


COMMON = {"enabled": Setting("bool"), "critical": Setting("bool"), "description": Setting("string")}
FRACTION = Setting("number", 0, 1)
# What a rule concludes when its evidence is missing (SPEC: missing evidence is never a pass by default).
ON_MISSING_DATA = Setting("choice", choices=OUTCOMES_ON)

# The built-in rules and their settings. A rule not listed here is a new rule: it needs its model file and may
# carry free settings under `params` (scalars), which its model reads with pod_rule_param().
RULE_SETTINGS: dict[str, dict[str, Setting]] = {
    "partner_originated": {
        "ownership_value": Setting("string"),
        "on_origination_disagreement": Setting("choice", choices=("report", "review")),
        "on_missing_data": ON_MISSING_DATA,
    },
    "spend_threshold": {
        "threshold_usd": Setting("number", 0, 1e9, exclusive_minimum=True),
        "spend_month": Setting("choice", choices=("before_creation", "before_target_close")),
        "expand_payer": Setting("bool"),
        "on_missing_data": ON_MISSING_DATA,
    },
    "end_user_reporting": {
        "mode": Setting("choice", choices=("not_evaluated", "required")),
        "within_days": Setting("integer", 1, 3650),
        "on_missing_data": ON_MISSING_DATA,
    },
    "match_confidence": {
        "pass_threshold": FRACTION,
        "review_threshold": FRACTION,
        # what one strong signal does below review_threshold; never an auto-approve (see rules/pod.yml)
        "single_signal_mode": Setting("choice", choices=("review", "off", "pass")),
        "dense_similarity_pass": FRACTION,
        "name_similarity_pass": FRACTION,
        "exact_domain_passes": Setting("bool"),
        "on_missing_data": ON_MISSING_DATA,
    },
    "eligibility": {
        "eligible_stages": Setting("list"),
        "eligible_statuses": Setting("list"),
        "ineligible_statuses": Setting("list"),
        "on_missing_data": ON_MISSING_DATA,
    },
    "timeline": {
        "close_within_days": Setting("integer", 1, 3650),
        "on_competing_opportunity": Setting("choice", choices=OUTCOMES_ON),
        "on_missing_data": ON_MISSING_DATA,
    },
}
# Keys of earlier releases: a file that still uses one is told the new name instead of "unknown key".
RENAMED_KEYS = {("timeline", "on_missing_close_date"): "on_missing_data"}
REQUIRED_NEW_RULE_KEYS = ("enabled", "critical")


# --- loading ------------------------------------------------------------------------------------------------

def rules_dir() -> Path:
    return Path(settings.current().revops_rules_dir or settings.PROJECT_ROOT / "rules").resolve()


def tenant_file(tenant: str) -> Path:
    """A tenant name (rules/tenants/<name>.yml) or a path to a YAML file."""
    if tenant.endswith((".yml", ".yaml")) or "/" in tenant:
        return Path(tenant).resolve()
    return rules_dir() / "tenants" / f"{tenant}.yml"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _read(path: Path) -> dict:
    if not path.is_file():
        raise RulesConfigError(f"{_display(path)}: file not found")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise RulesConfigError(f"{_display(path)}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesConfigError(f"{_display(path)}: must be a mapping of settings (got {type(data).__name__})")
    return data


def _resolve_extends(path: Path, target: Any) -> Path:
    if not isinstance(target, str) or not target.strip():
        raise RulesConfigError(f"{_display(path)}: extends: must name a rules file (got {target!r})")
    for candidate in (path.parent / target, rules_dir() / target):
        if candidate.is_file():
            return candidate.resolve()
    raise RulesConfigError(f"{_display(path)}: extends: {target} not found next to the file or in {_display(rules_dir())}")


def _chain(path: Path) -> list[tuple[Path, dict]]:
    """[(file, content)] from the base to `path`, following `extends`."""
    chain: list[tuple[Path, dict]] = []
    seen: set[Path] = set()
    current: Path | None = path.resolve()
    while current is not None:
        if current in seen:
            raise RulesConfigError(f"{_display(current)}: extends: cycle through {' -> '.join(_display(p) for p, _ in chain)}")
        seen.add(current)
        data = _read(current)
        chain.append((current, data))
        current = _resolve_extends(current, data["extends"]) if "extends" in data else None
    return list(reversed(chain))


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# --- validation ---------------------------------------------------------------------------------------------

def _rule_model_exists(rule_id: str) -> bool:
    return (settings.PROJECT_ROOT / RULE_MODEL_DIR / f"rule_{rule_id}.sql").is_file()


def _check_file(path: Path, data: dict, is_base: bool) -> list[str]:
    """Problems of one file on its own: unknown keys, wrong types, out-of-range values."""
    where = _display(path)
    problems = []
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.append(f"{where}: {key}: unknown key (expected one of {', '.join(sorted(TOP_LEVEL_KEYS))})")
    version = data.get("rule_set_version", "x")
    if isinstance(version, bool) or not isinstance(version, (str, int, float)) or not str(version).strip():
        problems.append(f"{where}: rule_set_version: must be a non-empty string (got {version!r})")
    if data.get("as_of_date") is not None:
        try:
            parse_date(data["as_of_date"])
        except ValueError as exc:
            problems.append(f"{where}: as_of_date: {exc}")
    rules = data.get("rules", {})
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        return problems + [f"{where}: rules: must be a mapping of rule id to settings (got {rules!r})"]
    for rule_id, rule in rules.items():
        key = f"rules.{rule_id}"
        if not isinstance(rule, dict):
            problems.append(f"{where}: {key}: must be a mapping of settings (got {rule!r})")
            continue
        known = RULE_SETTINGS.get(rule_id)
        if known is None and not _rule_model_exists(rule_id):
            problems.append(f"{where}: {key}: unknown rule (no model {RULE_MODEL_DIR / f'rule_{rule_id}.sql'}; "
                            f"built-in rules: {', '.join(RULE_SETTINGS)})")
            continue
        allowed = {**COMMON, **(known or {})}
        for name, value in rule.items():
            if name == "params" and known is None:
                if not isinstance(value, dict) or not all(
                        (isinstance(v, (str, int, float, bool)) and not (isinstance(v, float) and not math.isfinite(v)))
                        or v is None for v in value.values()):
                    problems.append(f"{where}: {key}.params: must be a mapping of scalar settings (got {value!r})")
                continue
            setting = allowed.get(name)
            if (rule_id, name) in RENAMED_KEYS:
                problems.append(f"{where}: {key}.{name}: renamed; write {RENAMED_KEYS[rule_id, name]}: {value} instead")
                continue
            if setting is None:
                problems.append(f"{where}: {key}.{name}: unknown key (expected one of {', '.join(sorted(allowed))}"
                                f"{', params' if known is None else ''})")
                continue
            reason = setting.check(value)
            if reason:
                problems.append(f"{where}: {key}.{name}: {reason}")
        if is_base:
            missing = [name for name in (*REQUIRED_NEW_RULE_KEYS, *(known or {})) if name not in rule]
            if missing:
                problems.append(f"{where}: {key}: missing {', '.join(missing)}")
    return problems


def _check_merged(chain: list[tuple[Path, dict]], merged: dict) -> list[str]:
    """Cross-field checks on the merged configuration, attributed to the last file that set one of the keys."""
    problems = []

    def origin(rule_id: str, *names: str) -> str:
        for path, data in reversed(chain):
            rule = (data.get("rules") or {}).get(rule_id) or {}
            if any(name in rule for name in names):
                return _display(path)
        return _display(chain[-1][0])

    rules = merged.get("rules") or {}
    match = rules.get("match_confidence") or {}
    if "pass_threshold" in match and "review_threshold" in match and match["review_threshold"] > match["pass_threshold"]:
        problems.append(f"{origin('match_confidence', 'review_threshold', 'pass_threshold')}: "
                        f"rules.match_confidence.review_threshold: must be <= pass_threshold "
                        f"({match['review_threshold']} > {match['pass_threshold']})")
    eligibility = rules.get("eligibility") or {}
    both = set(eligibility.get("eligible_statuses") or ()) & set(eligibility.get("ineligible_statuses") or ())
    if both:
        problems.append(f"{origin('eligibility', 'eligible_statuses', 'ineligible_statuses')}: "
                        f"rules.eligibility.ineligible_statuses: {', '.join(sorted(both))} also listed in "
                        f"eligible_statuses; keep each status in one list")
    for rule_id, rule in rules.items():
        missing = [name for name in REQUIRED_NEW_RULE_KEYS if name not in rule]
        if missing:
            problems.append(f"{origin(rule_id, *rule)}: rules.{rule_id}: missing {', '.join(missing)}")
    for rule_id in RULE_SETTINGS:
        if rule_id not in rules:
            problems.append(f"{_display(chain[0][0])}: rules.{rule_id}: missing (every built-in rule needs settings; "
                            f"switch it off with enabled: false)")
    if "rule_set_version" not in merged:
        problems.append(f"{_display(chain[0][0])}: rule_set_version: missing")
    return problems


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"must be a date YYYY-MM-DD (got {value!r})") from None


# --- the result ---------------------------------------------------------------------------------------------

@dataclass
class RuleSet:
    tenant: str
    files: list[Path]
    config: dict
    as_of_date: dt.date | None
    rule_ids: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        """The file's rule_set_version plus a hash of the merged rules: any change shows in the history."""
        digest = hashlib.sha256(json.dumps(self.config["rules"], sort_keys=True).encode()).hexdigest()[:8]
        return f"{self.config['rule_set_version']}+{digest}"

    def dbt_vars(self) -> dict[str, Any]:
        return {
            "pod_rules": self.config["rules"],
            "pod_rule_ids": self.rule_ids,
            "pod_as_of_date": self.as_of_date.isoformat() if self.as_of_date else None,
            "pod_tenant": self.tenant,
            "pod_rule_set_version": self.version,
        }

    def match_thresholds(self) -> dict[str, float]:
        """Rule 4's bands on the fused confidence: match at or above `pass`, review down to `review`."""
        match = self.config["rules"]["match_confidence"]
        return {"pass": float(match["pass_threshold"]), "review": float(match["review_threshold"])}

    def record(self) -> dict[str, Any]:
        """The resolved rule set as the run log keeps it (JSON): what every stage of the run used."""
        return {"tenant": self.tenant, "as_of_date": self.as_of_date.isoformat() if self.as_of_date else None,
                "version": self.version, "files": [_display(p) for p in self.files], "dbt_vars": self.dbt_vars()}

    @property
    def digest(self) -> str:
        """sha256 of `record()`: two runs with the same digest used the same rules, tenant and as-of date."""
        return hashlib.sha256(json.dumps(self.record(), sort_keys=True, default=str).encode()).hexdigest()

    def summary(self) -> str:
        lines = [f"tenant {self.tenant}: rule set {self.version} from {' + '.join(_display(p) for p in self.files)}",
                 f"as-of date: {self.as_of_date or 'today (UTC)'}"]
        for rule_id in self.rule_ids:
            rule = self.config["rules"][rule_id]
            state = ("critical" if rule["critical"] else "non-critical") if rule["enabled"] else "disabled"
            settings_text = ", ".join(f"{k}={v}" for k, v in rule.items() if k not in COMMON)
            lines.append(f"  {rule_id:<20} {state:<13} {settings_text}")
        return "\n".join(lines)


def load(tenant: str | None = None, as_of_date: str | dt.date | None = None) -> RuleSet:
    """The validated rule set of a tenant (None: the settings' REVOPS_TENANT; 'default' = rules/pod.yml) for an
    as-of date (None: the settings' REVOPS_AS_OF_DATE, else the file's, else today). Raises RulesConfigError."""
    config = settings.current()
    tenant = tenant or config.revops_tenant or None
    path = rules_dir() / BASE_FILE if tenant in (None, "default") else tenant_file(tenant)
    chain = _chain(path)
    problems = []
    for index, (file_path, data) in enumerate(chain):
        problems += _check_file(file_path, data, is_base=index == 0)
    merged: dict = {}
    for _, data in chain:
        merged = _merge(merged, {k: v for k, v in data.items() if k != "extends"})
    if not problems:
        problems += _check_merged(chain, merged)
    if problems:
        raise RulesConfigError("invalid POD rules configuration:\n  " + "\n  ".join(problems))
    merged["rule_set_version"] = str(merged["rule_set_version"])
    chosen = as_of_date or config.revops_as_of_date or merged.get("as_of_date")
    try:
        as_of = parse_date(chosen) if chosen else None
    except ValueError as exc:
        raise RulesConfigError(f"as-of date: {exc}") from None
    name = "default" if tenant in (None, "default") else Path(tenant).stem
    return RuleSet(tenant=name, files=[p for p, _ in chain], config=merged, as_of_date=as_of,
                   rule_ids=list(merged["rules"]))

