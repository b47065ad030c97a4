"""Fixtures for the report site tests: the site built by the `demo_run` session fixture (tests/conftest.py)."""

from __future__ import annotations

import pytest

from revops import report


@pytest.fixture(scope="session")
def built_site(demo_run):
    """`reports/build` as the whole flow built it from the demo marts; returns (build dir, warehouse)."""
    build_dir = report.REPORTS_DIR / "build"
    assert (build_dir / "index.html").is_file(), "the flow did not build the report site"
    return build_dir, demo_run
