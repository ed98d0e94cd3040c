"""Content security: Markdown that would run code or load from another host fails the build, with file:line:col."""
from __future__ import annotations

import base64
import hashlib
import re
import textwrap

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_build
from xref.check import content_rules
from xref.core import markdown_syntax
from xref.finalize import csp

PATH = "docs/chapters/01-first-half.md"


def problems(markdown: str) -> list[str]:
    return [p.format() for p in content_rules.check_markdown(textwrap.dedent(markdown), PATH)]


# (markdown, expected "line:col: problem" prefixes) — each rule once where it is caught.
CAUGHT = [
    pytest.param("Intro.\n\n<script>alert(1)</script>\n", ["3:1: raw <script> element"], id="script"),
    pytest.param("Text <SCRIPT src=x.js></SCRIPT>\n", ["1:6: raw <script> element"], id="script-uppercase"),
    pytest.param('<b onclick="steal()">x</b>\n', ["1:4: inline event handler onclick="], id="onclick"),
    pytest.param('<img\n  src="a.png"\n  onerror="x()" alt="">\n', ["3:3: inline event handler onerror="],
                 id="handler-on-a-later-line"),
    pytest.param("![pic](a.png){ onload=\"x()\" }\n", ["1:16: inline event handler onload="], id="attr-list-handler"),
    pytest.param("[click](javascript:alert(1))\n", ["1:9: javascript: URL 'javascript:alert(1)'"], id="md-link-js"),
    pytest.param('<a href=" JaVa&#x09;script:void(0)">x</a>\n', ["1:4: javascript: URL"], id="html-js-obfuscated"),
    pytest.param("[x][r]\n\n[r]: javascript:alert(2)\n", ["3:6: javascript: URL"], id="reference-js"),
    pytest.param('<iframe src="page.html"></iframe>\n', ["1:1: embedded <iframe> element"], id="iframe"),
    pytest.param('<object data="a.swf"></object>\n', ["1:1: embedded <object> element"], id="object"),
    pytest.param('See <embed src="a.pdf">\n', ["1:5: embedded <embed> element"], id="embed"),
    pytest.param('<img src="https://e.org/a.png" alt="a">\n', ["1:6: external resource 'https://e.org/a.png'"],
                 id="img-https"),
    pytest.param('<img srcset="a.png 1x, //cdn.e.org/b.png 2x" alt="">\n',
                 ["1:6: external resource '//cdn.e.org/b.png'"], id="srcset-protocol-relative"),
    pytest.param('<div style="background: url(\'http://e.org/b.png\')">x</div>\n',
                 ["1:6: external resource 'http://e.org/b.png'"], id="style-url"),
    pytest.param("Look: ![chart](https://e.org/c.png)\n", ["1:7: external image 'https://e.org/c.png'"],
                 id="md-image"),
    pytest.param("![chart][c]\n\n[c]: https://e.org/c.png\n", ["1:1: external image 'https://e.org/c.png'"],
                 id="md-reference-image"),
    pytest.param("Text.\n\n```mermaid\ngraph TD\n```\n", ["3:1: Mermaid diagram"], id="mermaid-fence"),
    pytest.param("~~~ {.mermaid}\na\n~~~\n", ["1:1: Mermaid diagram"], id="mermaid-class-fence"),
    pytest.param("- item\n\n    <script>x()</script>\n", ["3:5: raw <script> element"], id="inside-a-list"),
    pytest.param("---\ntitle: \"<script>x()</script>\"\n---\n", ["2:9: raw <script> element"], id="front-matter"),
]

ALLOWED = [
    pytest.param("Write `<script>` to embed a script.\n", id="inline-code"),
    pytest.param("Use ``a ` <iframe>`` here.\n", id="inline-code-double-backticks"),
    pytest.param("```html\n<script>alert(1)</script>\n<img src=\"https://e.org/a.png\">\n```\n", id="fenced-code"),
    pytest.param("~~~~\n```mermaid\n~~~~\n", id="mermaid-inside-other-fence"),
    pytest.param("Paragraph.\n\n    <iframe src=\"x\"></iframe>\n", id="indented-code"),
    pytest.param("[the bank](https://example.org/report) and <a href=\"https://e.org\">x</a>\n", id="external-links"),
    pytest.param("![diagram](../assets/flow.png) <img src=\"../assets/a.png\" alt=\"a\">\n", id="local-images"),
    pytest.param("The online economy and its javascript: no link here.\n", id="words-in-prose"),
    pytest.param("Notes {: .wide } and <span class=\"note\" title=\"one\">x</span>\n", id="harmless-attributes"),
    pytest.param("```d2 id=\"flow\" caption=\"Flow\" alt=\"A to B\"\nA -> B\n```\n", id="d2-fence"),
    pytest.param("<!-- <script>alert(1)</script> -->\n", id="html-comment"),
]


@pytest.mark.parametrize("markdown, expected", CAUGHT)
def test_each_rule_reports_position_problem_and_what_to_do(markdown, expected):
    found = problems(markdown)
    for prefix in expected:
        assert any(p.startswith(f"{PATH}:{prefix}") for p in found), f"{prefix!r} not in {found}"
    for line in found:  # path:line:col: problem. What to do.
        assert re.fullmatch(rf"{re.escape(PATH)}:\d+:\d+: .+\. [A-Z].+\.", line), line


@pytest.mark.parametrize("markdown", ALLOWED)
def test_allowed_markdown_is_not_reported(markdown):
    assert problems(markdown) == []


def test_all_problems_of_a_file_are_listed_in_order():
    found = problems("""\
        ![a](https://e.org/a.png)

        <script>x()</script>
        [b](javascript:void(0))
        """)
    assert [p.split(": ")[0] for p in found] == [f"{PATH}:1:1", f"{PATH}:3:1", f"{PATH}:4:5"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="`a \n\t", max_size=40))
def test_code_spans_are_masked_as_the_code_span_pattern_defines(text):
    """mask_inline_code finds spans from the backtick runs (fast); INLINE_CODE is their definition."""
    expected = markdown_syntax.INLINE_CODE.sub(lambda m: markdown_syntax.blank(m.group(0)), text)
    assert markdown_syntax.mask_inline_code(text) == expected


def test_csp_hashes_are_those_of_the_inline_scripts_only():
    page = ('<meta http-equiv="Content-Security-Policy" content="script-src \'self\' \'inline-script-hashes\'">'
            '<script>alert(1)</script><script src="a.js"></script>'
            '<script type="application/json">{"a": 1}</script><script>alert(1)</script>')
    # sha256 of "alert(1)", base64: computed independently with `printf 'alert(1)' | openssl sha256 -binary | base64`
    assert csp.apply_csp(page).startswith(
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\' '
        '\'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=\'">')
    assert csp.apply_csp("<p>no policy</p>") == "<p>no policy</p>"


def test_build_with_a_script_in_a_chapter_fails_naming_file_and_line_and_publishes_nothing(handbook_copy, tmp_path):
    chapter = handbook_copy / "docs" / "chapters" / "02-middleman-trap.md"
    lines = chapter.read_text(encoding="utf-8").split("\n")
    lines.append("\nA planted <script>document.title = 'x'</script> in prose.\n")
    chapter.write_text("\n".join(lines), encoding="utf-8")
    line = len(lines) + 1
    site = tmp_path / "site"
    result = run_build(handbook_copy, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"docs/chapters/02-middleman-trap.md:{line}:11: raw <script> element" in output, output
    assert not site.exists(), "a failed build published a site"


def test_every_built_page_allows_exactly_its_own_inline_scripts(built_site):
    for html in built_site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, f"{html}: no Content-Security-Policy"
        directives = dict(d.strip().split(" ", 1) for d in meta["content"].split(";") if d.strip())
        allowed = set(directives["script-src"].split())
        assert "'unsafe-inline'" not in allowed and directives["object-src"] == "'none'", meta["content"]
        # The policy governs only what follows it: it must come before the first script.
        assert meta.find_previous("script") is None, f"{html}: a script precedes the policy"
        inline = [s.string or "" for s in soup.find_all("script")
                  if not s.get("src") and s.get("type", "text/javascript") == "text/javascript"]
        expected = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
        expected.add("'self'")
        assert allowed == expected, f"{html}: differs in {sorted(allowed ^ expected)}"
