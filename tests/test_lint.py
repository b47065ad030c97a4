"""sqlfluff (dbt templater) is clean on every model.

The dbt templater compiles the models, and compiling reads the landed tables' columns
(staging adapts to what dlt landed), so the lint runs against the tests' built warehouse."""

from tests.conftest import revops


def test_models_pass_sqlfluff(demo_run):
    result = revops("lint", timeout=900)
    assert "All Finished" in result.stdout + result.stderr
