"""Bad input, table-driven: each broken source fails the build with file, line and what to do, a non-zero exit,
no traceback, and nothing published. One more test breaks everything at once and expects every problem in one
report. The cases that need no part of the real handbook break the fixture handbook (it builds in seconds)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_build
from support.bad_input import Case, append, assert_fails_clearly, replace_once
from support.handbooks import fixture_copy


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


HIVE = "docs/chapters/hive.md"
SEASONS = "docs/chapters/seasons.md"


def bees(name, breaks, where, says, todo) -> Case:
    return Case(name, breaks, where, says, todo, project="fixture")


def add_d2_link(root: Path, url: str) -> None:
    append(root / HIVE, f'\n```d2 id="linked" caption="A link" alt="One box that links away"\nbox: {{link: "{url}"}}\n```\n')


# The engine: what it would publish wrong without a word. Content security: an allowlist.
CASES += [
    bees("a quotation line inside an HTML comment is no quotation",
         lambda r: replace_once(r / HIVE, "::: essay 2\n", "<!--\n::: essay 2\n-->\n"),
         re.escape(HIVE) + r":\d+:1:", r"¶2 of the essay is not quoted on any page", r"add the line '::: essay 2'"),
    bees("an unterminated reference",
         lambda r: append(r / HIVE, "\nSee [[term:queen for the meaning.\n"),
         re.escape(HIVE) + r":\d+:5:", r"a \[\[…\]\] reference is never closed", r"Close it with '\]\]'"),
    bees("a reference inside a link's text",
         lambda r: append(r / HIVE, "\n[see [[p:1]] there](../about.md)\n"),
         re.escape(HIVE) + r":\d+:6:", r"inside a link's text is not resolved", r"let the reference be the link"),
    bees("a reference in a page's title",
         lambda r: replace_once(r / HIVE, "title: The hive\n", "title: The hive of the [[term:queen]]\n"),
         re.escape(HIVE) + r":4:24:", r"in the front matter is published as it stands", r"Write the plain words"),
    bees("a reference in a heading",
         lambda r: append(r / HIVE, "\n## The [[term:queen]] herself\n"),
         re.escape(HIVE) + r":\d+:8:", r"in a heading is published as it stands in the table of contents",
         r"Write the plain words in the heading"),
    bees("a malformed quotation line",
         lambda r: append(r / HIVE, "\n::: esay 2\n"),
         re.escape(HIVE) + r":\d+:1:", r"malformed quotation line", r"Write '::: essay N' on a line of its own"),
    bees("a malformed marker",
         lambda r: append(r / "docs/about.md", "\n<!-- xref: corrections -->\n"),
         r"docs/about\.md:\d+:1:", r"malformed marker line", r"Write '<!-- xref:NAME -->'"),
    bees("a paragraph reference in other digits",
         lambda r: append(r / HIVE, "\nSee [[p:²]].\n"),
         re.escape(HIVE) + r":\d+:5:", r"no paragraph ¶² in the essay", r"Write a number from 1 to"),
    bees("a quotation of a paragraph in other digits",
         lambda r: append(r / HIVE, "\n::: essay ١\n"),
         re.escape(HIVE) + r":\d+:11:", r"no paragraph ¶١ in the essay", r"Write a number from 1 to"),
    bees("a meta refresh to another host",
         lambda r: append(r / HIVE, '\n<meta http-equiv="refresh" content="0;url=https://evil.example/">\n'),
         re.escape(HIVE) + r":\d+:1:", r"element <meta> is not allowed in content", r"Remove it"),
    bees("a base element",
         lambda r: append(r / HIVE, '\n<base href="https://evil.example/">\n'),
         re.escape(HIVE) + r":\d+:1:", r"element <base> is not allowed in content", r"Remove it"),
    bees("a form that posts to another host",
         lambda r: append(r / HIVE, '\n<form action="https://evil.example/"><button>Go</button></form>\n'),
         re.escape(HIVE) + r":\d+:1:", r"element <form> is not allowed in content", r"Remove it"),
    bees("a data: URL in raw HTML",
         lambda r: append(r / HIVE, '\n<a href="data:text/html,hello">x</a>\n'),
         re.escape(HIVE) + r":\d+:4:", r"URL scheme 'data:' is not allowed in href=", r"http\(s\):// or mailto:"),
    bees("a data: URL in a Markdown link",
         lambda r: append(r / HIVE, "\n[x](data:text/html,hello)\n"),
         re.escape(HIVE) + r":\d+:\d+:", r"URL scheme 'data:' is not allowed in href=", r"http\(s\):// or mailto:"),
    bees("an attribute that is not allowed",
         lambda r: append(r / HIVE, '\n<p contenteditable="true">Edit me.</p>\n'),
         re.escape(HIVE) + r":\d+:4:", r"attribute contenteditable= is not allowed on <p>", r"Remove the attribute"),
    bees("an attribute list that adds a refused attribute",
         lambda r: append(r / HIVE, "\nA paragraph.\n{: contenteditable=true }\n"),
         re.escape(HIVE) + r":\d+:\d+:", r"attribute contenteditable= is not allowed on <p>", r"Remove the attribute"),
    bees("a script inside inline SVG",
         lambda r: append(r / HIVE, '\n<svg><script>alert(1)</script></svg>\n'),
         re.escape(HIVE) + r":\d+:6:", r"raw <script> element", r"Remove it"),
    bees("an event handler on inline SVG",
         lambda r: append(r / HIVE, '\n<svg onload="alert(1)"><rect width="1" height="1"/></svg>\n'),
         re.escape(HIVE) + r":\d+:6:", r"inline event handler onload=", r"Remove the attribute"),
    bees("a javascript: link in a diagram",
         lambda r: add_d2_link(r, "javascript:alert(1)"),
         re.escape(HIVE) + r":\d+:1:", r"diagram 'linked': URL scheme 'javascript:' is not allowed in href=",
         r"http\(s\):// or mailto:"),
    bees("a meta element in a glossary definition",
         lambda r: replace_once(r / "data/glossary.yml", "  definition: The queen lays all the eggs of the colony.",
                                '  definition: The queen lays all the eggs. <meta http-equiv="refresh" content="0">'),
         r"data/glossary\.yml:\d+:\d+:", r"element <meta> is not allowed in content", r"Remove it"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_fails_the_build_clearly(case, handbook_copy, tmp_path):
    project = handbook_copy if case.project == "handbook" else fixture_copy(tmp_path)
    case.breaks(project)
    site = tmp_path / "site"
    result = run_build(project, site)
    assert_fails_clearly(case, result.stdout + result.stderr, result.returncode, site)


def test_all_problems_of_a_build_are_reported_together(handbook_copy, tmp_path):
    # "duplicate id" hides the about page's other problems; the fixture's cases break another handbook
    together = [c for c in CASES if c.name != "duplicate id" and c.project == "handbook"]
    for case in together:
        case.breaks(handbook_copy)
    result = run_build(handbook_copy, tmp_path / "site")
    assert result.returncode != 0
    missing = [c.name for c in together if not re.search(c.says, result.stdout + result.stderr)]
    assert not missing, f"not reported in the same build: {missing}\n{result.stderr}"
