"""Property-based tests of the autolinker: it only ever adds links around text a reader already sees."""
from __future__ import annotations

import html as htmllib

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from xref.scan.html_scan import parse_fragment, scan_html
from xref.load.term_index import TermIndex
from xref.core.model import Term

TERMS = {
    "finance": Term("finance", "finance", "s", "d", []),
    "supply-chain-finance": Term("supply-chain-finance", "supply chain finance", "s", "d", [], aliases=["SCF"]),
    "fintech": Term("fintech", "fintech", "s", "d", [], aliases=["financial technology"]),
    "p2p": Term("p2p", "P2P lending", "s", "d", []),
}
INDEX = TermIndex(TERMS)
WORDS = ["finance", "Finance", "finances", "supply", "chain", "fintech", "Fintechs", "financial", "technology",
         "SCF", "P2P", "lending", "the", "and", "is", "café", "金融", "a-b", "x_y", "&", "<", "¶"]
SEPARATORS = [" ", "  ", "-", ", ", ". ", "\n", "\u00a0"]

words = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=12).map(
    lambda pairs: htmllib.escape("".join(w + s for w, s in pairs), quote=False))
INLINE = ["em", "strong", "code", "a", "span", "kbd"]
BLOCK = ["p", "h2", "pre", "blockquote", "div", "figure"]  # valid nesting, as Markdown writes it


def _tag(pair) -> str:
    tag, inner = pair
    href = ' href="#x"' if tag == "a" else ""
    return f'<{tag}{href} title="fintech">{inner}</{tag}>'


def element(tags, children):
    return st.tuples(st.sampled_from(tags), children).map(_tag)


inline = st.recursive(words, lambda inner: st.lists(st.one_of(inner, element(INLINE, inner)), min_size=1,
                                                     max_size=4).map("".join), max_leaves=10)
fragments = st.lists(element(BLOCK, inline), min_size=1, max_size=5).map("".join)
PROTECTED = ".//code|.//a|.//h2|.//pre|.//kbd|.//figure"


def text_of(html: str) -> str:
    return parse_fragment(html).text_content()


def protected(html: str) -> list[str]:
    return [lxml.html.tostring(e, encoding="unicode", with_tail=False) for e in parse_fragment(html).xpath(PROTECTED)]


@settings(max_examples=80, deadline=None)
@given(fragments)
def test_linking_never_changes_the_text_a_reader_sees(html):
    out, _ = scan_html(html, INDEX)
    assert text_of(out) == text_of(html)


@settings(max_examples=80, deadline=None)
@given(fragments)
def test_linking_never_touches_code_links_headings_or_figures(html):
    out, _ = scan_html(html, INDEX)
    assert protected(out) == protected(html)


@settings(max_examples=80, deadline=None)
@given(fragments)
def test_linking_is_idempotent_and_links_each_term_once(html):
    once, page = scan_html(html, INDEX)
    twice, again = scan_html(once, INDEX)
    assert twice == once and again.mentions == []
    linked = [m.term for m in page.mentions if m.linked]
    assert len(linked) == len(set(linked))
    assert len(parse_fragment(once).findall(".//xref-term")) == len(linked)
    # attributes are never rewritten: every title="fintech" survives, none gains a link
    assert once.count('title="fintech"') == html.count('title="fintech"')
