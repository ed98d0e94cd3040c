"""Issue 16, items 2-5 and 9 on the built handbook: citations set as citations, numbered chapters, maintainer
pages kept off reader surfaces, the sources page, the essay's title not autolinked, toneless pinyin."""
from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

MAINTAINER = ("Home", "Changelog of editions", "For contributors")


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_adjacent_citations_share_one_pair_of_parentheses(built_site):
    chapter = soup(built_site, "chapters/01-first-half").select_one("article")
    groups = [g.get_text() for g in chapter.select("span.xref-cite")]
    assert "(Global Times 2018; South China Morning Post 2021)" in groups, groups
    for group in chapter.select("span.xref-cite"):
        for cite in group.select("a.xref-src"):
            assert cite["href"].startswith("../../sources/#") and cite["title"], cite   # entry; full reference
    # An author's own parentheses around citations are replaced by the engine's, never doubled.
    middleman = soup(built_site, "chapters/02-middleman-trap").select_one("article").get_text()
    assert "separately (China Daily 2020; Reuters 2020)" in middleman
    assert not re.search(r"\(\s*\(", " ".join(soup(built_site, p).select_one("article").get_text()
                                               for p in ("chapters/02-middleman-trap", "timeline", "about")))


def test_chapters_are_numbered_in_nav_title_and_h1(built_site):
    page = soup(built_site, "chapters/02-middleman-trap")
    assert page.select_one("article h1").get_text().startswith("2. The middleman trap")
    assert page.title.get_text().startswith("2. The middleman trap")
    nav = [a.get_text(" ", strip=True) for a in page.select("nav.md-nav--primary a[href$='-first-half/']")]
    assert any(t.startswith("1. The first half") for t in nav), nav


def test_reader_surfaces_leave_out_maintainer_pages(built_site):
    for path, selector in (("glossary", ".xref-mentioned-in"), ("terms", ".xref-index"),
                           ("sources", ".xref-cited-in")):
        text = " ".join(e.get_text() for e in soup(built_site, path).select(selector))
        assert text, path
        for name in MAINTAINER:
            assert name not in text, f"{path} lists {name!r}"
    for chapter in (built_site / "chapters").iterdir():
        related = soup(built_site, f"chapters/{chapter.name}").select_one("aside.xref-related")
        assert related is None or not any(n in related.get_text() for n in MAINTAINER), chapter.name


def test_search_ranks_maintainer_pages_low(built_site):
    docs = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    boosts = {d["location"].split("#")[0]: d.get("boost", 1) for d in docs}
    assert boosts["contributing/"] < 1 and boosts["changelog/"] < 1
    assert boosts["glossary/"] >= 1 and boosts["chapters/02-middleman-trap/"] >= 1


def test_sources_cite_each_place_once_under_letter_headings(built_site):
    page = soup(built_site, "sources")
    for entry in page.select("li.xref-source"):
        labels = [re.sub(r" \(\d+ times\)$", "", a.get_text()) for a in entry.select(".xref-cited-in a")]
        assert len(labels) == len(set(labels)), (entry["id"], labels)
    assert "times)" in page.select_one("article").get_text()   # the count is shown where a place cites twice
    toc = [a["href"] for a in page.select("nav.md-nav--secondary a")]
    assert "#sources-c" in toc and "#sources-r" in toc, toc


def test_the_essays_title_is_not_autolinked(built_site):
    for path in ("", "about"):
        page = BeautifulSoup((built_site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
        titles = page.select("article cite")
        assert titles and all(t.find("a") is None for t in titles if "new look" in t.get_text()), path


def test_toneless_pinyin_is_in_the_search_index(built_site):
    docs = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    fintech = next(d for d in docs if d["location"] == "glossary/#fintech")
    assert "jīnróng" in fintech["text"] and "jinrong" in fintech["text"]
    hidden = soup(built_site, "glossary").select_one("#fintech ~ p.xref-chinese .xref-pinyin-plain")
    assert hidden is not None and hidden.has_attr("hidden")


def test_the_editions_read_the_numbered_chapter_titles(built_site):
    """The PDF's contents and the EPUB's navigation are built from these titles (scripts/editions/assemble.py)."""
    import sys

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "scripts"))
    from editions.assemble import assemble
    from editions.common import load_config

    book = assemble(built_site, load_config(), version="test")
    titles = {c.page.src: c.title for c in book.chapters}
    assert titles["chapters/02-middleman-trap.md"].startswith("2. The middleman trap"), titles
    assert not titles["glossary.md"][0].isdigit()
