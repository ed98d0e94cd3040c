"""The handbook's content: glossary and bibliography are complete and consistent, every source is cited, the
chapters keep the commentary structure, diagrams are present and referred to, and no author is named."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

GLOSSARY = ROOT / "data" / "glossary.yml"
BIBLIOGRAPHY = ROOT / "data" / "bibliography.yml"
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))

# The structure of the commentary in every chapter (h2 headings, in this order).
CHAPTER_HEADINGS = ["What the essay claims", "Context", "Assessment", "Questions for discussion"]
# The author is not stated. The research notes record a stylistic match to a Chinese columnist; the handbook
# must not attribute the essay to him, so his name must appear nowhere in the content.
UNATTRIBUTED_NAMES = ["孟永辉", "Meng Yonghui", "Yonghui Meng", "Meng Yong-hui"]
MIN_FIGURES = 6


def load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def content_files() -> list[Path]:
    """Everything a reader sees that the editors wrote: the pages, the two data files, the provenance note."""
    return [*sorted((ROOT / "docs").rglob("*.md")), GLOSSARY, BIBLIOGRAPHY, ROOT / "essay" / "PROVENANCE.md"]


# --- the glossary and the bibliography -------------------------------------------------------------------------

def test_glossary_has_at_least_thirty_entries_with_unique_ids():
    entries = load(GLOSSARY)
    ids = [entry.get("id") for entry in entries]
    assert len(entries) >= 30, f"{GLOSSARY.name}: {len(entries)} entries; the handbook promises at least 30"
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{GLOSSARY.name}: duplicate ids {duplicates}"


def test_glossary_related_and_sources_point_to_existing_entries():
    entries = load(GLOSSARY)
    term_ids = {entry["id"] for entry in entries}
    source_ids = {source["id"] for source in load(BIBLIOGRAPHY)}
    dangling = []
    for entry in entries:
        dangling += [f"{entry['id']}: related {r!r}" for r in entry.get("related", [])
                     if r not in term_ids or r == entry["id"]]
        dangling += [f"{entry['id']}: source {s!r}" for s in entry["sources"] if s not in source_ids]
    assert not dangling, f"{GLOSSARY.name}: unknown or self-referring ids: {dangling}"


def test_every_bibliography_entry_is_cited_somewhere():
    """A source nobody cites is either a forgotten citation or an entry to delete."""
    cited = set()
    for path in content_files():
        cited |= set(re.findall(r"\[\[src:([a-z0-9.-]+)", path.read_text(encoding="utf-8")))
    for entry in load(GLOSSARY):
        cited |= set(entry["sources"])
    uncited = [source["id"] for source in load(BIBLIOGRAPHY) if source["id"] not in cited]
    assert not uncited, f"{BIBLIOGRAPHY.name}: never cited in docs/ or the glossary: {uncited}"


def test_the_content_names_no_author():
    found = []
    for path in content_files():
        text = path.read_text(encoding="utf-8").casefold()
        found += [f"{path.relative_to(ROOT)}: {name}" for name in UNATTRIBUTED_NAMES if name.casefold() in text]
    assert not found, f"the essay's author is not stated; remove the attribution: {found}"


def test_each_chapter_quotes_its_paragraphs():
    """Quotations are inserted by the engine, never pasted."""
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        assert re.search(r"^::: essay \d+$", text, re.M), f"{chapter.name}: quotes no essay paragraph"


# --- the built site ------------------------------------------------------------------------------------------

def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def chapter_pages(site: Path) -> list[Path]:
    return [site / "chapters" / chapter.stem / "index.html" for chapter in CHAPTERS]


def test_each_chapter_page_has_the_commentary_headings_in_order(built_site):
    for page in chapter_pages(built_site):
        article = soup_of(page).find("article")
        headings = [h2.get_text(" ", strip=True).rstrip("¶§").strip() for h2 in article.find_all("h2")]
        present = [h for h in headings if h in CHAPTER_HEADINGS]
        assert present == CHAPTER_HEADINGS, f"{page.relative_to(built_site)}: h2 headings are {headings}"


def site_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("index.html") if "search" not in p.parts]


def page_url(site: Path, page: Path) -> str:
    return "/" + page.parent.relative_to(site).as_posix().strip(".") + "/"


def normalise(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def test_at_least_six_diagrams_each_with_svg_and_referred_to_from_the_text(built_site):
    figures: dict[tuple[str, str], Path] = {}
    links: set[tuple[str, str]] = set()
    for page in site_pages(built_site):
        soup = soup_of(page)
        here = page_url(built_site, page)
        for figure in soup.find_all("figure"):
            if figure.find("svg") is not None and figure.get("id", "").startswith("fig-"):
                figures[(normalise(here), figure["id"])] = page
        for anchor in soup.find_all("a", href=True):
            target = urlsplit(urljoin(here, anchor["href"]))
            if target.fragment.startswith("fig-") and not target.scheme:
                links.add((normalise(unquote(target.path)), target.fragment))
    assert len(figures) >= MIN_FIGURES, f"{len(figures)} figures with SVG in the site, want {MIN_FIGURES}"
    unreferred = [f"{url}#{fid}" for url, fid in figures if (url, fid) not in links]
    assert not unreferred, f"figures no link points to (add [[fig:ID]] in the text): {unreferred}"


def test_the_built_site_names_no_author(built_site):
    found = []
    for page in site_pages(built_site):
        text = soup_of(page).get_text().casefold()
        found += [f"{page.relative_to(built_site)}: {name}" for name in UNATTRIBUTED_NAMES if name.casefold() in text]
    assert not found, f"the essay's author is not stated; remove the attribution: {found}"
