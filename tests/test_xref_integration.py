"""The cross-reference engine in real builds: the fixture handbook (tests/fixture_handbook, about bees: proves
the engine is generic) and the real handbook. Reads the built HTML."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, run_build
from support.handbooks import fixture_with_workers
PLACEHOLDERS = re.compile(r"xref-slot|<xref-ref|<xref-term")
TOKEN = re.compile(r"\[\[[a-z¶=]")


def assert_nothing_unresolved(site: Path) -> None:
    """No placeholder element in any page, and no [[…]] token left in prose (code may show them)."""
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not PLACEHOLDERS.search(text), path
        body = BeautifulSoup(text, "lxml").select_one("article")
        if body is not None:
            for code in body.select("code, pre"):
                code.decompose()
            assert not TOKEN.search(body.get_text()), path


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if url else site / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def article(site: Path, url: str):
    return page(site, url).select_one("article")


def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    pages = {}
    for path in site.rglob("index.html"):
        if "assets" not in path.parts and "search" not in path.parts:
            url = path.parent.relative_to(site).as_posix()
            pages["" if url == "." else url + "/"] = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    return pages


def assert_engine_links_resolve(site: Path) -> int:
    """Every link the engine made points at a page that exists and an element id on it."""
    pages = html_pages(site)
    checked = 0
    for url, soup in pages.items():
        for a in soup.select("article a.xref, article .xref-mentioned-in a, article .xref-cited-in a, "
                             "article .xref-concordance a, article .xref-index a, article aside.xref-related a"):
            target = urlparse(urljoin("http://h/" + url, a["href"]))
            target_url = target.path.lstrip("/")
            assert target_url in pages, f"{url}: {a} points to a missing page"
            if target.fragment:
                assert pages[target_url].find(id=target.fragment), f"{url}: {a} points to a missing anchor"
            checked += 1
    return checked


# --- the fixture handbook -------------------------------------------------------------------------------------

def test_fixture_quotes_every_paragraph_once_with_repairs_and_headings(fixture_site):
    quotes = {}
    for url in ("chapters/hive/", "chapters/seasons/"):
        for quote in article(fixture_site, url).select("blockquote.essay-para"):
            assert quote["id"] not in quotes
            quotes[quote["id"]] = (url, quote)
    assert sorted(quotes) == ["para-1", "para-2", "para-3", "para-4"]
    url, third = quotes["para-3"]
    assert third.select_one(".essay-heading").get_text() == "Swarming season"
    assert third.select_one("a.essay-para-num")["href"] == "#para-3"
    assert "In late spring a strong colony divides" in third.get_text()
    assert "home. A swarm" in third.get_text(), "the missing space is repaired"
    assert third.select_one("ins.ed-repair")["title"] == "Editorial repair: space added"
    citation = third.select_one("details.essay-cite code").get_text()
    assert citation == ("On keeping bees, ¶3, example.org, 2024-05-01, in: Bees: a fixture handbook, "
                        "https://example.org/bees/chapters/seasons/#para-3")


def test_fixture_first_mentions_link_with_tooltips_and_exclusions(fixture_site):
    hive = article(fixture_site, "chapters/hive/")
    autolinks = hive.select("a.xref-auto")
    assert [a["data-xref"] for a in autolinks] == ["term:colony", "term:queen", "term:brood-frame"]
    colony = autolinks[0]
    assert colony["href"] == "../../glossary/#colony" and colony["id"] == "mention-colony-1"
    assert colony["title"] == "All the bees of one hive living as one family."
    assert [c.get_text() for c in hive.select(":scope > p > code")] == ["colony"]
    assert hive.select_one("span.xref-nolink").get_text() == "swarm"
    assert not any(a["data-xref"] == "term:swarm" for a in hive.select("a.xref"))
    assert not hive.select("h1 a.xref, h2 a.xref")
    # a term with autolink: false links only where forced
    seasons = article(fixture_site, "chapters/seasons/")
    assert "winter-cluster" not in " ".join(a["data-xref"] for a in seasons.select("a.xref-auto"))
    assert seasons.select_one('a[data-xref="term:winter-cluster"]').get_text() == "winter cluster"


def test_fixture_references_get_their_text_and_pdf_attributes(fixture_site):
    hive = article(fixture_site, "chapters/hive/")
    refs = {a["data-xref"]: a for a in hive.select("a.xref") if "xref-auto" not in a["class"]}
    assert refs["p:2"].get_text() == "¶2" and refs["p:2"]["href"] == "#para-2"
    assert refs["sec:seasons#cold-months"].get_text() == "Cold months"
    assert refs["src:langstroth-1853"].get_text() == "Hopkins, Bridgman & Co. 1853"
    assert "xref-src" in refs["src:langstroth-1853"]["class"]
    home = article(fixture_site, "")
    assert [a.get_text() for a in home.select("a.xref-ch")] == ["Chapter 1", "the seasons"]


def entry_links(glossary, entry: str, xref: str) -> list:
    """The links to `xref` inside one glossary entry: from its heading to the next entry's."""
    found = []
    for sibling in glossary.find("h2", id=entry).find_next_siblings():
        if sibling.name == "h2":
            break
        found += sibling.select(f'a[data-xref="{xref}"]')
    return found


def test_fixture_generated_pages(fixture_site):
    glossary = article(fixture_site, "glossary/")
    assert [h["id"] for h in glossary.select("h2")] == ["brood-frame", "colony", "queen", "swarm", "winter-cluster"]
    swarm = glossary.find("h2", id="swarm")
    chinese = swarm.find_next("p", class_="xref-chinese")
    plain = chinese.select_one(".xref-pinyin-plain")     # the toneless copy, for search only: hidden
    assert plain.has_attr("hidden") and plain.extract().get_text() == "fenfeng"
    assert chinese.get_text().strip() == "分蜂 fēnfēng"
    queen = glossary.find("h2", id="queen").find_next("p", class_="xref-mentioned-in")
    assert [(a.get_text(), a["href"]) for a in queen.select("a")] == [
        ("Chapter 1 ¶1", "../chapters/hive/#mention-queen-1"), ("Chapter 2 ¶3", "../chapters/seasons/#mention-queen-1")]
    # No entry links to itself (brood-frame's own text says "frames", its alias's plural), but entries link others.
    for entry in ("brood-frame", "colony", "queen", "swarm", "winter-cluster"):
        assert entry_links(glossary, entry, f"term:{entry}") == [], entry
    assert entry_links(glossary, "colony", "term:queen"), "the colony entry links to queen: the check sees links"
    toc = [a.get_text(strip=True) for a in page(fixture_site, "glossary/").select(".md-sidebar--secondary a")]
    assert "brood frame" in toc and "swarm" in toc

    sources = article(fixture_site, "sources/")
    seeley = sources.find(id="seeley-2010")
    assert "Honeybee Democracy" in seeley.get_text()
    assert "Chapter 2" in [a.get_text() for a in seeley.select(".xref-cited-in a")]

    terms = article(fixture_site, "terms/")
    colony = next(li for li in terms.select("li.xref-index-term") if li.a.get_text() == "colony")
    assert [(a.get_text(), a["href"]) for a in colony.select(":scope > ul a")] == [
        ("Chapter 1: The hive", "../chapters/hive/#mention-colony-1"),
        ("Chapter 2: The seasons", "../chapters/seasons/#mention-colony-1")]
    queen = next(li for li in terms.select("li.xref-index-term") if li.a.get_text() == "queen")
    assert [a["href"] for a in queen.select(":scope > ul a")] == [     # the second: in the note on ¶1
        "../chapters/hive/#mention-queen-1", "../chapters/hive/#mention-queen-2", "../chapters/seasons/#mention-queen-1"]

    essay = article(fixture_site, "essay/")
    assert [d["id"] for d in essay.select("div.published-para")] == [f"published-{n}" for n in range(1, 5)]
    assert [h.get_text(strip=True).rstrip("¶§") for h in essay.select("h2, h3")] == [
        "On keeping bees", "Swarming season", "Winter"]
    first = essay.find(id="published-1").select(".xref-concordance a")
    assert [(a.get_text(), a["href"]) for a in first] == [
        ("quoted in Chapter 1", "../chapters/hive/#para-1"), ("discussed in Chapter 2", "../chapters/seasons/#ref-para-1-1")]

    about = article(fixture_site, "about/")
    assert [li.get_text() for li in about.select(".ed-repair-list li")][0] == "¶1: mayor.Every → mayor. Every"


def test_fixture_chapters_end_with_related_reading(fixture_site):
    related = article(fixture_site, "chapters/hive/").select_one("aside.xref-related")
    sections = [p.get_text() for p in related.select(".xref-related-title")]
    assert sections == ["Related chapters", "Referenced from"]
    assert "Chapter 2: The seasons" in related.ul.get_text() and "colony" in related.ul.get_text()
    referrers = [a.get_text() for a in related.select("ul")[1].select("a")]
    assert referrers == ["Chapter 2: The seasons", "Home"]


def test_fixture_links_resolve_and_no_placeholder_is_left(fixture_site):
    assert assert_engine_links_resolve(fixture_site) > 30
    assert_nothing_unresolved(fixture_site)
    assert not PLACEHOLDERS.search((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    index = json.loads((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("Start with Chapter 1, then the seasons" in doc["text"] for doc in index["docs"])
    # the index of terms is links only: kept out of search (the glossary and chapters are in it)
    assert not any(doc["location"].startswith("terms/") for doc in index["docs"])
    assert any(doc["location"].startswith("glossary/#swarm") for doc in index["docs"])


def test_fixture_search_indexes_the_text_of_autolinked_words(fixture_site):
    """Search reads each page without the autolinks' markup (the adapter hands it the lean HTML): the words
    must still be in the index, while the page itself keeps its links."""
    index = json.loads((fixture_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hive = article(fixture_site, "chapters/hive/")
    texts = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("chapters/hive/"))
    autolinks = hive.select("a.xref-auto")
    assert autolinks
    for link in autolinks:
        sentence = " ".join(link.parent.get_text().split())
        assert " ".join(BeautifulSoup(texts, "lxml").get_text().split()).count(sentence) == 1, sentence
    # the lists of links to other pages are on the pages, not in the index
    assert "Related chapters" in hive.get_text() and "Related chapters" not in texts
    glossary = page(fixture_site, "glossary/").get_text()
    assert "Mentioned in:" in glossary
    assert not any("Mentioned in" in doc["text"] or "Referenced from" in doc["text"] for doc in index["docs"])


def test_front_matter_decides_what_search_indexes(tmp_path):
    """The index of terms is kept out of search unless its front matter says otherwise, and any page can be."""
    project = fixture_with_workers(tmp_path, 0)
    for name, setting in (("terms.md", "false"), ("chapters/hive.md", "true")):
        path = project / "docs" / name
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", f"---\nsearch:\n  exclude: {setting}\n", 1),
                        encoding="utf-8")
    result = run_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    terms = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("terms/"))
    assert "Chapter 1: The hive" in terms and "swarm" in terms
    assert not any(doc["location"].startswith("chapters/hive/") for doc in index["docs"])
    assert article(tmp_path / "site", "chapters/hive/").select("a.xref-auto")   # the page itself is whole


def test_fixture_built_with_a_worker_process_is_byte_identical(tmp_path):
    """Pages scanned and finalized in a worker process (how large handbooks build) come out exactly as when
    the build does everything itself."""
    sites = {}
    for workers in (0, 1):
        sites[workers] = tmp_path / f"site-{workers}"
        result = run_build(fixture_with_workers(tmp_path, workers), sites[workers])
        assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*.html"))
    assert len(pages) >= 8
    assert pages == sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*.html"))
    for page in pages + [Path("search/search_index.json")]:
        assert (sites[0] / page).read_bytes() == (sites[1] / page).read_bytes(), page
    assert "xref-auto" in (sites[1] / "chapters" / "hive" / "index.html").read_text(encoding="utf-8")


def test_fixture_with_a_worker_reports_problems_and_publishes_nothing(tmp_path):
    project = fixture_with_workers(tmp_path, 1)
    chapter = project / "docs" / "chapters" / "hive.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSee [[term:colonny]] and [this](nowhere.md).\n",
                       encoding="utf-8")
    result = run_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "unknown glossary term 'colonny'" in result.stdout + result.stderr
    assert "the link to 'nowhere.md' leads to no page" in result.stdout + result.stderr   # checked in the worker
    assert "Did you mean [[term:colony]]?" in result.stdout + result.stderr
    assert not (tmp_path / "site").exists()


def test_fixture_rejects_a_bad_workers_setting(tmp_path):
    result = run_build(fixture_with_workers(tmp_path, "many"), tmp_path / "site")
    assert result.returncode != 0
    assert ("mkdocs.yml: extra.xref.workers must be 'auto', 0 (all work in the build's process) or 1 "
            "(a worker process), not 'many'") in result.stdout + result.stderr
    assert not (tmp_path / "site").exists()


# --- the real handbook ----------------------------------------------------------------------------------------

def chapters(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "chapters").glob("*/index.html"))


def test_handbook_quotes_each_of_the_twelve_paragraphs_once(built_site):
    found = []
    for url in chapters(built_site):
        found += [q["id"] for q in article(built_site, url).select("blockquote.essay-para")]
    assert sorted(found, key=lambda i: int(i.split("-")[1])) == [f"para-{n}" for n in range(1, 13)]


def test_handbook_essay_page_has_the_whole_text_in_order(built_site):
    essay = article(built_site, "essay/")
    assert [d["id"] for d in essay.select("div.published-para")] == [f"published-{n}" for n in range(1, 13)]
    headings = [h.get_text(strip=True).rstrip("¶§") for h in essay.select("h2, h3")]
    assert headings[-3:] == ["Fintech’s new look", "New business models, the foundation of fintech", "Conclusion"]
    for n in range(1, 13):
        links = essay.find(id=f"published-{n}").select(".xref-concordance a")
        assert links and links[0].get_text().startswith("quoted in Chapter"), n


def test_handbook_glossary_page_lists_every_entry_alphabetically(built_site):
    entries = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
    glossary = article(built_site, "glossary/")
    ids = [h["id"] for h in glossary.select("h2") if h["id"] in {e["id"] for e in entries}]
    expected = [e["id"] for e in sorted(entries, key=lambda e: (e["term"].casefold(), e["id"]))]
    assert ids == expected
    assert glossary.select("p.xref-mentioned-in a")


def test_handbook_figures_are_numbered_per_chapter_and_referenced(built_site):
    figures = 0
    for url in chapters(built_site):
        soup = page(built_site, url)
        number = re.search(r"(\d+)", url.split("/")[1]).group(1).lstrip("0")
        for k, caption in enumerate(soup.select("article figure.diagram figcaption"), 1):
            assert caption.get_text().startswith(f"Figure {number}.{k}"), (url, caption.get_text())
        for ref in soup.select("article a.xref-fig"):
            figures += 1
            path, _, anchor = ref["href"].partition("#")
            target = page(built_site, urljoin(url, path) if path else url).find(id=anchor)
            number = target.select_one("figcaption").get_text().split(":")[0].split()[1]
            assert ref.get_text() == f"Figure {number}", (url, ref.get_text(), number)
    assert figures >= 3, "the chapters refer to their figures"


def test_handbook_engine_links_resolve_and_about_lists_corrections(built_site):
    assert assert_engine_links_resolve(built_site) > 100
    about = article(built_site, "about/")
    assert "¶1: on.Different → on. Different" in [li.get_text() for li in about.select(".ed-repair-list li")]
    assert_nothing_unresolved(built_site)
