"""`revops bench` for real on the tiny test demo: the JSON it writes, and what --compare reports."""

from __future__ import annotations

import json

from tests.conftest import DEMO_SCALE, DEMO_SEED, revops

FIGURES = ["ingest", "embed", "search", "rules"]  # noop_run and report: a whole pipeline run each, too slow here


def _bench(tmp_path, name: str, *args: str) -> tuple[dict, str]:
    out = tmp_path / f"{name}.json"
    result = revops("bench", "--scale", str(DEMO_SCALE), "--seed", str(DEMO_SEED), "--json", str(out), *args)
    return json.loads(out.read_text()), result.stdout


def test_bench_measures_each_figure_beside_its_reference_and_compares_runs(warehouse_server, tmp_path):
    # builds the tiny demo and runs the pipeline when no earlier test did (demo_run builds the same one)
    first, stdout = _bench(tmp_path, "first", "--only", ",".join(FIGURES), "--embed-texts", "40",
                           "--queries", "5", "--rules-runs", "1")
    assert sorted(first["figures"]) == sorted(FIGURES)
    rows = {row["figure"]: row for row in first["rows"]}
    for row in rows.values():
        assert set(row) == {"figure", "value", "unit", "reference", "reference_name", "ratio", "target", "ok"}
        assert row["value"] is not None and row["figure"] in stdout

    ingest = first["figures"]["ingest"]
    assert ingest["extract_rows"] > 0 and ingest["copy_rows"] == ingest["extract_rows"]  # the same rows both ways
    embed = first["figures"]["embed"]
    assert embed["texts"] == 40 and embed["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    embed_row = next(row for name, row in rows.items() if name.startswith("embed step"))
    assert embed_row["reference"] == embed["bare_texts_per_second"] > 0
    assert embed_row["ratio"] == round(embed["step_texts_per_second"] / embed["bare_texts_per_second"], 3)
    assert embed_row["ok"] == (embed_row["ratio"] >= 0.8)
    assert {row["unit"] for name, row in rows.items() if "recall" in name} == {"recall"}
    assert first["figures"]["rules"]["opportunities"] > 0
    assert {name for name in rows if name.startswith("peak RSS")} == {f"peak RSS: {f}" for f in FIGURES}

    second, stdout = _bench(tmp_path, "second", "--only", "embed", "--embed-texts", "20",
                            "--compare", str(tmp_path / "first.json"))
    assert second["demo"] == {"generated": False, "pipeline_run": False}  # the demo of this scale was reused
    changes = {c["figure"]: c for c in second["compare"]["changes"]}
    assert changes[embed_row["figure"]]["status"] == "both"
    assert changes[embed_row["figure"]]["before"] == embed_row["value"]
    assert changes[embed_row["figure"]]["now"] == next(
        row["value"] for row in second["rows"] if row["figure"] == embed_row["figure"])
    assert changes["peak RSS: ingest"]["status"] == "gone"
    assert "compared with" in stdout and f"{embed_row['figure']}: " in stdout
