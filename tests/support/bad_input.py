"""What the table-driven bad-input tests share (tests/test_bad_input.py, tests/test_bad_data.py): how a case
breaks a copy of the handbook, and what every failed build must show."""
from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor text {old!r} is no longer in {path.name}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@dataclass
class Case:
    name: str
    breaks: Callable[[Path], None]   # (handbook root) -> None
    where: str                 # regex: the file and line (and column where the checker knows it)
    says: str                  # regex: what is wrong
    todo: str                  # regex: what to do
    project: str = "handbook"  # "handbook" (a copy of the real one) or "fixture" (the bees: builds in seconds)


def reuse_diagram_cache(copy: Path) -> None:
    """Give a copy of the handbook the D2 renderings already made (the cache is keyed by the diagram's source),
    so that a build that is meant to fail does not spend its time running d2."""
    cache = ROOT / ".cache" / "diagrams"
    if cache.is_dir() and not (copy / ".cache" / "diagrams").exists():
        shutil.copytree(cache, copy / ".cache" / "diagrams")


def assert_fails_clearly(case: Case, output: str, returncode: int, site: Path) -> None:
    """Non-zero exit, the place, what is wrong and what to do, no traceback, nothing published or left behind."""
    assert returncode != 0, f"{case.name}: the build passed"
    for label, pattern in (("file and line", case.where), ("problem", case.says), ("what to do", case.todo)):
        assert re.search(pattern, output), f"{case.name}: no {label} matching {pattern!r} in:\n{output}"
    assert "Traceback" not in output, f"{case.name}: the build printed a traceback:\n{output}"
    assert not site.exists(), f"{case.name}: a failed build published {site}"
    assert not list(site.parent.glob(".site-*")), f"{case.name}: a failed build left its staging folder"
