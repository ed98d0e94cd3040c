"""Reading the built site in Chromium at a desktop (1280 px) and a phone (390 px) width: diagram labels are large
enough to read where they stand, and the small typographic defects of issue 16 stay fixed."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from support.fixtures import site_url  # noqa: F401 - fixtures
from support.planted import OVER_WIDE
from xref.markdown.diagrams import render_figure

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "diagrams"

# Smallest rendered label size, CSS px, per viewport width (issue 16, item 1).
VIEWPORTS = {"desktop": ({"width": 1280, "height": 900}, 12.0), "phone": ({"width": 390, "height": 844}, 10.0)}
# For each visible diagram: its smallest label in CSS px, the computed font size (SVG units) times the
# scale from those units to the screen (the SVG's shrinking to the column included).
LABEL_SIZES = """() => [...document.querySelectorAll('figure.diagram')].map(figure => {
  const svg = [...figure.querySelectorAll('svg.diagram-svg')].find(s => s.getBoundingClientRect().width > 0);
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().c, t.getScreenCTM().d));
  return {id: figure.id, labels: sizes.length, smallest: Math.min(...sizes),
          width: svg.getBoundingClientRect().width, column: figure.parentElement.getBoundingClientRect().width};
})"""


def diagram_pages(site) -> list[str]:
    pages = []
    for path in sorted(site.glob("**/index.html")):
        if BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("figure", class_="diagram"):
            pages.append(path.parent.relative_to(site).as_posix() + "/")
    return pages


@pytest.fixture(scope="module")
def planted_figure(tmp_path_factory) -> str:
    return render_figure(OVER_WIDE, fig_id="planted-wide", number="9.9", caption="Planted", alt="A planted row",
                         cache_dir=tmp_path_factory.mktemp("planted-cache"))


@pytest.mark.parametrize("device", VIEWPORTS)
def test_diagram_labels_are_legible_in_the_column(browser, site_url, built_site, planted_figure, device):  # noqa: F811
    viewport, smallest_allowed = VIEWPORTS[device]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    measured, too_small = [], []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        for path in diagram_pages(built_site):
            page.goto(site_url + path)
            for figure in page.evaluate(LABEL_SIZES):
                assert figure["labels"] > 0 and figure["width"] <= figure["column"] + 1, (path, figure)
                measured.append(figure["id"])
                # For a reviewer: the figure as a reader sees it, in test-artifacts/diagrams/
                page.locator(f"[id='{figure['id']}']").screenshot(path=str(ARTIFACTS / f"{device}-{figure['id']}.png"))
                if figure["smallest"] < smallest_allowed:
                    too_small.append(f"{path} {figure['id']}: labels {figure['smallest']:.1f} px")
        # The measurement is live: a wide diagram planted into the same column is shrunk below the limit.
        page.evaluate("html => document.querySelector('article').insertAdjacentHTML('beforeend', html)",
                      planted_figure)
        planted = next(f for f in page.evaluate(LABEL_SIZES) if f["id"] == "fig-planted-wide")
    finally:
        context.close()
    assert len(measured) >= 7, measured
    assert too_small == [], f"labels below {smallest_allowed} px at {viewport['width']} px: {too_small}"
    assert planted["smallest"] < smallest_allowed, planted


# --- small typographic defects (issue 16, item 9) ----------------------------------------------------------------

CHAPTER = "chapters/01-first-half/"
SMALLEST_TOOLTIP_PX = 14.0


def open_chapter(browser, site_url, width: int = 1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + CHAPTER)
    page.wait_for_function("() => document.documentElement.classList.contains('js')")
    return context, page


def test_term_tooltip_is_set_at_a_reading_size(browser, site_url):  # noqa: F811
    context, page = open_chapter(browser, site_url)
    try:
        term = page.locator("article a.xref-term").first
        title = term.get_attribute("title")
        term.hover()
        inner = page.locator(".md-tooltip2--active .md-tooltip2__inner")
        inner.wait_for(state="visible")
        # The tooltip measured is the term's own: it shows the definition Material took from its title.
        assert title[:30] in " ".join(inner.inner_text().split()), inner.inner_text()
        size = inner.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        # Material's own size, for comparison: a tooltip box without the handbook's rule.
        material = page.evaluate("""() => { const box = document.createElement('div');
            box.className = 'md-tooltip2__inner'; document.body.append(box);
            return parseFloat(getComputedStyle(box).fontSize) }""")
    finally:
        context.close()
    assert size >= SMALLEST_TOOLTIP_PX, f"the term tooltip is set at {size} px"
    assert size > material, (size, material)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_starts_with_the_header_not_an_empty_strip(browser, site_url, width):  # noqa: F811
    context, page = open_chapter(browser, site_url, width)
    try:
        header_top = page.locator("header.md-header").evaluate("e => e.getBoundingClientRect().top")
        # What is drawn at the very top of the window, and every banner that takes room.
        at_top = page.evaluate("() => document.elementFromPoint(innerWidth / 2, 2).closest('header, aside')?.tagName")
        banners = page.evaluate("""() => [...document.querySelectorAll('.md-banner')]
            .filter(b => b.getBoundingClientRect().height > 0).map(b => b.textContent.trim())""")
    finally:
        context.close()
    assert header_top == 0 and at_top == "HEADER", (header_top, at_top)
    assert all(banners), f"an empty banner takes room: {banners}"


def test_headings_and_paragraph_numbers_have_different_marks(browser, site_url):  # noqa: F811
    context, page = open_chapter(browser, site_url)
    try:
        heading = page.locator("article h2 a.headerlink").first
        heading_mark = heading.inner_text().strip()
        paragraph_marks = page.locator("article a.essay-para-num").all_inner_texts()
        heading_marks = set(page.locator("article a.headerlink").all_text_contents())
    finally:
        context.close()
    assert paragraph_marks and all(mark.startswith("¶") for mark in paragraph_marks), paragraph_marks
    assert heading_marks == {"§"} and heading_mark == "§", heading_marks
