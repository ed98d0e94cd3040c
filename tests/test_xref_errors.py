"""Bad input fails the build with file:line:column, the offending text and a suggestion; every problem of a
build is reported together, and nothing is published."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import ROOT, run_build


def line_col(path: Path, text: str) -> tuple[int, int]:
    source = path.read_text(encoding="utf-8")
    start = source.index(text)
    return source.count("\n", 0, start) + 1, start - (source.rfind("\n", 0, start) + 1) + 1


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def line_of(path: Path, pattern: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i + 1 for i, line in enumerate(lines) if re.fullmatch(pattern, line.strip()))


def test_every_problem_is_reported_with_its_place_and_nothing_is_published(handbook_copy, tmp_path):
    chapters = handbook_copy / "docs" / "chapters"
    first, second, sixth = (next(chapters.glob(f"0{n}-*.md")) for n in (1, 2, 6))
    fifth = next(chapters.glob("05-*.md"))
    append(first, "Broken: [[term:p2p-lendng]], [[ch:midleman-trap]], [[sec:middleman-trap#no-such-section]], "
                  "[[src:bis-2091]], [[p:14]] and [[chap:conclusion]].")
    append(second, "::: essay 1\n\n::: essay 13")
    # ¶12 is no longer quoted anywhere
    sixth.write_text(re.sub(r"(?m)^::: essay 12\s*$", "", sixth.read_text(encoding="utf-8")), encoding="utf-8")
    # the essay source is altered: one word of ¶6
    source = handbook_copy / "essay" / "source.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Every new species", "Each new species"),
                      encoding="utf-8")

    site = tmp_path / "site"
    result = run_build(handbook_copy, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert not site.exists(), "a failed build must publish nothing"

    f1 = f"docs/chapters/{first.name}"
    expected = []
    for token, message, hint in [
        ("[[term:p2p-lendng]]", "unknown glossary term 'p2p-lendng'", "Did you mean [[term:p2p-lending]]?"),
        ("[[ch:midleman-trap]]", "unknown page id 'midleman-trap'", "Did you mean [[ch:middleman-trap]]?"),
        ("[[sec:middleman-trap#no-such-section]]", "page 'middleman-trap' has no section 'no-such-section'", ""),
        ("[[src:bis-2091]]", "unknown source id 'bis-2091' (not in the bibliography)", "Did you mean [[src:bis-2019]]?"),
        ("[[p:14]]", "no paragraph ¶14 in the essay (it has ¶1 to ¶12)", "Did you mean [[p:12]]?"),
        ("[[chap:conclusion]]", "unknown reference kind 'chap'", "Did you mean [[ch:…]]?"),
    ]:
        line, column = line_col(first, token)
        expected.append(f"{f1}:{line}:{column}: {message} in {token!r}. {hint}".rstrip())
    first_quote = line_of(first, r"::: essay 1")
    dup_line, unknown_line = line_of(second, r"::: essay 1"), line_of(second, r"::: essay 13")
    f2 = f"docs/chapters/{second.name}"
    expected += [
        f"{f2}:{dup_line}:1: ¶1 is quoted twice: here and at {f1}:{first_quote} in '::: essay 1'. "
        "Quote each paragraph once; refer to it elsewhere with [[p:1]].",
        f"{f2}:{unknown_line}:11: no paragraph ¶13 in the essay (it has ¶1 to ¶12) in '::: essay 13'. "
        "Did you mean '::: essay 12'?",
        f"docs/chapters/{fifth.name}:{line_of(fifth, r'::: essay 11')}:1: ¶12 of the essay is not quoted on any page. "
        "Every paragraph is quoted once: add the line '::: essay 12' after '::: essay 11'",
        "essay/source.txt:14:1: ¶6 no longer matches the text recorded in essay/edition.yml (SHA-256 differs) "
        "in 'Each new species",
    ]
    for line in expected:
        assert line in output, f"missing:\n{line}\n--- build output ---\n{output}"
    assert "the cross-reference check found" in output


def test_broken_glossary_and_duplicate_ids_in_another_handbook(tmp_path):
    """The fixture handbook: glossary file errors point into data/glossary.yml; duplicate page ids."""
    project = tmp_path / "bees"
    shutil.copytree(ROOT / "tests" / "fixture_handbook", project)
    (project / "hooks").symlink_to(ROOT / "hooks")  # the fixture names the hook by a relative path
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../hooks/", "hooks/"), encoding="utf-8")
    glossary = project / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("related: [colony]", "related: [colonny]")
                        + "- id: queen\n  term: Queen again\n  short: s\n  definition: d\n  sources: [seeley-2010]\n",
                        encoding="utf-8")
    seasons = project / "docs" / "chapters" / "seasons.md"
    seasons.write_text(seasons.read_text(encoding="utf-8").replace("id: seasons", "id: hive"), encoding="utf-8")

    result = run_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and not (tmp_path / "site").exists()
    related_line = line_col(glossary, "related: [colonny]")[0]
    duplicate_line = line_col(glossary, "- id: queen\n  term: Queen again")[0]
    for expected in [
        f"data/glossary.yml:{related_line}:3: swarm: unknown related term 'colonny'. Did you mean 'colony'?",
        f"data/glossary.yml:{duplicate_line}:3: duplicate glossary id 'queen'",
        f"docs/chapters/seasons.md:2:1: duplicate page id 'hive'. Also used by docs/chapters/hive.md:2",
    ]:
        assert expected in output, f"missing:\n{expected}\n--- build output ---\n{output}"
