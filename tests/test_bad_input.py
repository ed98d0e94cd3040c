"""Bad input, table-driven: each broken source fails the build with file, line and what to do, a non-zero exit,
and nothing published. One more test breaks everything at once and expects every problem in one report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_build
from support.bad_input import Case, append, assert_fails_clearly, replace_once


def drop_glossary_short(root: Path) -> None:
    """Remove the `short:` field (and its folded value) of the first glossary entry."""
    path = root / "data" / "glossary.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  short:")
    end = text.index("  definition:", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


CHAPTER2 = "docs/chapters/02-middleman-trap.md"
CASES = [
    Case("unknown glossary term reference",
         lambda r: append(r / "docs/about.md", "\nSee [[term:supply-chain-financing]].\n"),
         r"docs/about\.md:\d+:\d+:", r"unknown glossary term 'supply-chain-financing'",
         r"Did you mean \[\[term:supply-chain-finance\]\]\?"),
    Case("duplicate id",
         lambda r: replace_once(r / "docs/about.md", "id: about", "id: glossary"),
         r"docs/(glossary|about)\.md:2:1:", r"duplicate page id 'glossary'", r"page ids must be unique"),
    Case("altered essay paragraph",
         lambda r: replace_once(r / "essay/source.txt", "Internet finance is stuck", "Internet finance is trapped"),
         r"essay/source\.txt:\d+:1:", r"¶9 no longer matches", r"restore the source"),
    Case("missing essay paragraph",
         lambda r: replace_once(r / CHAPTER2, "::: essay 9\n", ""),
         r"docs/chapters/\S+\.md:\d+:1:", r"¶9 of the essay is not quoted on any page", r"add the line '::: essay 9'"),
    Case("malformed front matter",
         lambda r: replace_once(r / "docs/chapters/03-new-infrastructure.md", "chapter: 3\n", "chapter: [3\n"),
         r"docs/chapters/03-new-infrastructure\.md:\d+:\d+:", r"front matter is not valid YAML",
         r"Fix the YAML between the '---' lines"),
    Case("invalid glossary data file", drop_glossary_short,
         r"data/glossary\.yml:\d+:\d+:", r"lacks required key 'short'", r"See the glossary schema"),
    Case("diagram syntax error",
         lambda r: replace_once(r / CHAPTER2, "ezubao -> rules\n", "ezubao -> rules {{{\n"),
         re.escape(CHAPTER2) + r":\d+:1:", r"diagram 'p2p-decline': D2 cannot compile", r"correct the D2 source"),
    Case("broken link",
         lambda r: append(r / "docs/about.md", "\nSee [the missing page](no-such-page.md).\n"),
         r"docs/about\.md:\d+:\d+:", r"the link to 'no-such-page\.md' leads to no page", r"refer to a page by id"),
    Case("script in a glossary definition",
         lambda r: replace_once(r / "data/glossary.yml", "  definition: >-\n", "  definition: >-\n    <img src=x onerror=alert(1)>\n"),
         r"data/glossary\.yml:\d+:\d+:", r"inline event handler onerror=", r"Remove the attribute"),
    Case("raw script",
         lambda r: replace_once(r / CHAPTER2, "## Context", "<script>alert(1)</script>\n\n## Context"),
         re.escape(CHAPTER2) + r":\d+:1:", r"raw <script> element", r"Remove it"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_fails_the_build_clearly(case, handbook_copy, tmp_path):
    case.breaks(handbook_copy)
    site = tmp_path / "site"
    result = run_build(handbook_copy, site)
    assert_fails_clearly(case, result.stdout + result.stderr, result.returncode, site)


def test_all_problems_of_a_build_are_reported_together(handbook_copy, tmp_path):
    together = [c for c in CASES if c.name != "duplicate id"]  # it hides the about page's other problems
    for case in together:
        case.breaks(handbook_copy)
    result = run_build(handbook_copy, tmp_path / "site")
    assert result.returncode != 0
    missing = [c.name for c in together if not re.search(c.says, result.stdout + result.stderr)]
    assert not missing, f"not reported in the same build: {missing}\n{result.stderr}"
