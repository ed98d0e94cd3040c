"""Copies of the fixture handbook set up for one test (a test module never imports another test module)."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixture_handbook"


def fixture_with_workers(tmp_path: Path, workers) -> Path:
    """A copy of the fixture handbook whose mkdocs.yml sets extra.xref.workers."""
    project = tmp_path / f"bees-{workers}"
    shutil.copytree(FIXTURE, project)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(ROOT / "hooks" / "mkdocs_adapter.py")]
    config["extra"]["xref"]["workers"] = workers
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project


def fixture_copy(tmp_path: Path) -> Path:
    """A copy of the fixture handbook (it builds in a few seconds) that a test may break."""
    project = tmp_path / "bees"
    shutil.copytree(FIXTURE, project)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(ROOT / "hooks" / "mkdocs_adapter.py")]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project
