"""Shared fixtures: the real handbook built once per test session, and throw-away copies for bad-input tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Fixtures shared by several test modules, registered once (tests/support/fixtures.py).
pytest_plugins = ["support.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
# What a build reads: copied into a temporary folder for tests that break something on purpose.
HANDBOOK_PARTS = ["mkdocs.yml", "docs", "hooks", "overrides", "essay", "data"]


def run_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Build `project` with the same script as `make build`; returns the finished process (output captured)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "--config", str(project / "mkdocs.yml"),
         "--site-dir", str(site_dir)],
        cwd=project, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real handbook, built once for the whole session."""
    site = tmp_path_factory.mktemp("built") / "site"
    result = run_build(ROOT, site)
    assert result.returncode == 0, f"the handbook does not build:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session: Playwright's sync API allows one instance per thread,
    so every browser test shares this one."""
    from playwright.sync_api import sync_playwright

    from support.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def handbook_copy(tmp_path) -> Path:
    """A private copy of the handbook's sources that a test may break."""
    copy = tmp_path / "handbook"
    copy.mkdir()
    for part in HANDBOOK_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        elif source.exists():
            shutil.copy2(source, copy / part)
    return copy
