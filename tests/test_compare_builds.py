"""The pull request's job summary (scripts/compare_builds.py): the fixture handbook at two commits of a temporary
git repository, built and compared as readers see it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfWriter

from conftest import ROOT

COMPARE = ROOT / "scripts" / "compare_builds.py"
FIXTURE = ROOT / "tests" / "fixture_handbook"
NEW_TERM = """- id: nectar
  term: nectar
  short: The sugary liquid bees collect from flowers.
  definition: Bees turn nectar into honey.
  sources: [seeley-2010]
"""
NEW_SOURCE = """- id: frisch-1967
  publisher: Harvard University Press
  author: Karl von Frisch
  title: The Dance Language and Orientation of Bees
  date: "1967"
"""
DIAGRAM = """
```d2 id="hive-layout" caption="The parts of a hive" alt="Three boxes: roof, honey super and brood box, from top to bottom."
roof -> super -> brood
```

See [[fig:hive-layout]] and [[src:frisch-1967]].
"""


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {path.name}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf(path, pages: int):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.write(path)
    return path


@pytest.fixture
def two_commits(tmp_path):
    """The fixture handbook committed, then one commit that rewords a sentence, adds a glossary entry, a source,
    a figure and two references, and removes a sentence."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    edit(repo / "mkdocs.yml", "../../hooks/mkdocs_adapter.py", str(ROOT / "hooks" / "mkdocs_adapter.py"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    hive = repo / "docs" / "chapters" / "hive.md"
    edit(hive, "The essay opens with the colony as a city.", "The essay opens with the colony as a busy town.")
    edit(hive, "::: essay 2\n", "::: essay 2\n" + DIAGRAM)
    edit(repo / "docs" / "chapters" / "seasons.md", "; a swarm is calm", "")
    (repo / "data" / "glossary.yml").write_text((repo / "data" / "glossary.yml").read_text() + NEW_TERM)
    (repo / "data" / "bibliography.yml").write_text((repo / "data" / "bibliography.yml").read_text() + NEW_SOURCE)
    git(repo, "commit", "-qam", "head")
    return repo


def test_summary_of_two_commits_lists_what_readers_see_change(two_commits, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    result = subprocess.run(
        [sys.executable, str(COMPARE), "--base-ref", "HEAD~1", "--head-ref", "HEAD",
         "--base-pdf", str(pdf(tmp_path / "base.pdf", 2)), "--head-pdf", str(pdf(tmp_path / "head.pdf", 3)),
         "--append", str(summary)],
        cwd=two_commits, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## What this change does to the handbook"), text  # appended
    assert "PDF pages: 2 before, 3 after." in text, text
    # The reworded paragraph, cut to the change, before and after.
    assert "- The essay opens with the colony as a city." in text, text
    assert "+ The essay opens with the colony as a busy town." in text, text
    assert "- In spring the colony may swarm; a swarm is calm." in text, text
    assert "+ In spring the colony may swarm." in text, text
    assert "<code>chapters/hive/</code>: page changed" in text and "<code>chapters/seasons/</code>" in text, text
    assert "<code>about/</code>" not in text, "a page whose text did not change is listed"
    assert "### Glossary entries\n\n- added: nectar (`nectar`)" in text, text
    assert "### Sources\n\n- added: Harvard University Press 1967 The Dance Language" in text, text
    assert "### Figures\n\n- added: Figure 1.1: The parts of a hive (`fig-hive-layout`)" in text, text
    assert "| `[[src:frisch-1967]]` | 0 | 1 |" in text and "| `[[fig:hive-layout]]` | 0 | 1 |" in text, text
    assert "removed:" not in text, text


def test_identical_builds_say_so(two_commits, tmp_path):
    result = subprocess.run([sys.executable, str(COMPARE), "--base-ref", "HEAD", "--head-ref", "HEAD"],
                            cwd=two_commits, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "No page's rendered text changed." in result.stdout
    assert "###" not in result.stdout, result.stdout


def test_an_unknown_revision_is_named():
    result = subprocess.run([sys.executable, str(COMPARE), "--base-ref", "no-such-ref", "--head-site", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "cannot export 'no-such-ref'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_long_paragraph_is_cut_to_its_change():
    sys.path.insert(0, str(ROOT / "scripts"))
    from compare_builds import paragraph_diff

    before, after = "x" * 500 + " the middle word " + "y" * 500, "x" * 500 + " the central word " + "y" * 500
    removed, added, _ = paragraph_diff([before], [after])
    assert removed.startswith("- …") and removed.endswith("…") and "the middle word" in removed
    assert added.startswith("+ …") and "the central word" in added
    assert len(removed) < 200 and len(added) < 200
