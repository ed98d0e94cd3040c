"""Previews of cross-references and "Cite this paragraph", in the built handbook in Debian's Chromium under the
site's Content-Security-Policy: a preview of each kind of reference by mouse, keyboard and touch, Escape, the
copy buttons and the citation's BibTeX and CSL-JSON, the mark on the paragraph a ¶ link lands on, and axe."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from test_accessibility import AXE, axe_violations
from test_browser import assert_clean, open_page

pytestmark = pytest.mark.browser

CHAPTER = "chapters/02-middleman-trap/"
KINDS = ["p", "ch", "sec", "fig", "src"]
PREVIEW = "#xref-preview"


def soup(built_site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((built_site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def words(text: str, count: int = 8) -> str:
    """The first words of a text, spaces normalised: what a preview must show."""
    return " ".join(text.split()[:count])


def expected_text(built_site: Path, kind: str) -> tuple[str, str]:
    """(the selector of the chapter's first reference of `kind`, the words its preview must show), read from
    the reference's target in the built pages, so the test follows the content."""
    # not one in a note: on a phone the notes stay folded until their lemma is followed
    link = next((a for a in soup(built_site, CHAPTER).select(f"article a.xref-{kind}")
                 if not a.find_parent(class_="essay-notes")), None)
    assert link is not None, f"{CHAPTER} has no {kind} reference to preview"
    url = urlsplit(urljoin("/" + CHAPTER, link["href"]))
    target_page = soup(built_site, url.path.strip("/"))
    target = target_page.find(id=url.fragment) if url.fragment else target_page.select_one("article h1")
    if kind == "p":
        text = target.select_one(".essay-para-text")
        for extra in text.select(".essay-para-num, .lemma-mark"):
            extra.decompose()
        shown = text.get_text()
    elif kind == "fig":
        shown = target.select_one("figcaption").get_text()
    elif kind == "src":
        shown = target.select_one("cite").get_text()
    else:
        for extra in target.select(".headerlink"):
            extra.decompose()
        shown = target.get_text()
    # by data-xref: Material's instant navigation rewrites every href to an absolute URL
    return f'article a.xref-{kind}[data-xref="{link["data-xref"]}"] >> visible=true >> nth=0', words(shown)


def preview_of(page):
    preview = page.locator(PREVIEW)
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("role", "tooltip")
    return preview


@pytest.mark.parametrize("kind", KINDS)
def test_hover_previews_each_kind_of_reference(page, site_url, built_site, kind):
    selector, shown = expected_text(built_site, kind)
    open_page(page, site_url + CHAPTER)
    expect(page.locator(PREVIEW)).to_have_count(0)
    link = page.locator(selector)
    link.hover()
    expect(preview_of(page)).to_contain_text(shown)
    expect(link).to_have_attribute("aria-describedby", "xref-preview")
    page.mouse.move(0, 0)     # away from the link and the preview: it closes
    expect(page.locator(PREVIEW)).to_have_count(0)
    assert_clean(page)


@pytest.mark.parametrize("kind", KINDS)
def test_keyboard_focus_previews_each_kind_and_escape_closes_it(page, site_url, built_site, kind):
    selector, shown = expected_text(built_site, kind)
    open_page(page, site_url + CHAPTER)
    link = page.locator(selector)
    link.focus()
    page.keyboard.press("Shift+Tab")          # back one stop (perhaps another reference), then Tab onto the link
    expect(link).not_to_be_focused()
    expect(link).not_to_have_attribute("aria-describedby", "xref-preview")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    expect(preview_of(page)).to_contain_text(shown)
    expect(link).to_have_attribute("aria-describedby", "xref-preview")
    page.keyboard.press("Escape")
    expect(page.locator(PREVIEW)).to_have_count(0)
    expect(link).to_be_focused()              # no focus trap, and focus did not move
    assert link.get_attribute("aria-describedby") is None
    assert_clean(page)


@pytest.fixture
def phone(browser):
    """A 390 px touch screen."""
    from support.browser import Recorder
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.recorder = Recorder().attach(page)
    yield page
    context.close()


def target_top(page, href: str) -> float:
    """Where the element a same-page link leads to stands in the viewport, in px from its top."""
    return page.evaluate("h => document.getElementById(decodeURIComponent(new URL(h).hash.slice(1)))"
                         ".getBoundingClientRect().top", href)


@pytest.mark.parametrize("kind", KINDS)
def test_first_tap_previews_and_second_tap_follows(phone, site_url, built_site, kind):
    selector, shown = expected_text(built_site, kind)
    open_page(phone, site_url + CHAPTER)
    link = phone.locator(selector)
    link.scroll_into_view_if_needed()
    href = link.evaluate("a => a.href")
    same_page = href.split("#")[0] == phone.url.split("#")[0]
    link.tap()
    expect(preview_of(phone)).to_contain_text(shown)
    phone.wait_for_timeout(300)
    # navigation.tracking writes the heading scrolled to into the address: compare with the link's own target
    assert phone.url != href, "the first tap followed the link"
    assert phone.url.split("#")[0] == site_url + CHAPTER, "the first tap left the page"
    if same_page:
        assert target_top(phone, href) > 150, "the target is already at the top: the test would prove nothing"
    link.tap()
    if same_page:
        phone.wait_for_function("([h, top]) => Math.abs(document.getElementById(decodeURIComponent("
                                "new URL(h).hash.slice(1))).getBoundingClientRect().top) < top", arg=[href, 150])
    else:
        expect(phone).to_have_url(href)
    assert_clean(phone)


def test_the_previews_own_link_follows_on_touch(phone, site_url, built_site):
    selector, _ = expected_text(built_site, "ch")
    open_page(phone, site_url + CHAPTER)
    link = phone.locator(selector)
    link.scroll_into_view_if_needed()
    link.tap()
    go = preview_of(phone).locator("a.xref-preview-go")
    href = link.evaluate("a => a.href")
    go.tap()
    expect(phone).to_have_url(href)
    assert_clean(phone)


def test_previews_work_after_instant_navigation_without_materials_tooltip(page, site_url, built_site):
    """Material's instant navigation swaps the content: the previews follow, and the title tooltip that
    Material draws for the same links stays away (one tooltip, not two)."""
    instant_navigation(page, site_url, built_site)
    open_page(page, site_url + "chapters/01-first-half/")
    same_document(page)
    page.locator(f'nav.md-nav a[href$="{CHAPTER.split("/")[1]}/"]').first.click()
    expect(page).to_have_url(site_url + CHAPTER)
    assert page.evaluate("window.sameDocument === true"), "the page was loaded anew: no instant navigation"
    selector, shown = expected_text(built_site, "fig")
    link = page.locator(selector)
    expect(link).to_be_attached()
    link.hover()
    expect(preview_of(page)).to_contain_text(shown)
    page.wait_for_timeout(500)
    assert page.locator(".md-tooltip2--active:visible").count() == 0, "Material's tooltip shows beside the preview"
    assert_clean(page)


def instant_navigation(page, site_url: str, built_site: Path) -> None:
    """Material's instant navigation takes only the links its sitemap lists, and the sitemap names the published
    host: served here, it is rewritten to this server's, so that clicks are taken as they are once published."""
    published = re.search(r"<loc>(.*?)</loc>", (built_site / "sitemap.xml").read_text(encoding="utf-8")).group(1)
    body = (built_site / "sitemap.xml").read_text(encoding="utf-8").replace(published, site_url)
    page.route("**/sitemap.xml", lambda route: route.fulfill(body=body, content_type="application/xml"))


def same_document(page) -> None:
    page.wait_for_load_state("networkidle")   # the sitemap is in
    page.evaluate("window.sameDocument = true")


def cite_block(built_site: Path) -> BeautifulSoup:
    block = soup(built_site, CHAPTER).select_one("blockquote.essay-para details.essay-cite")
    assert block is not None
    return block


def test_the_citation_in_csl_json_and_bibtex_parses_and_names_no_author(built_site):
    block = cite_block(built_site)
    items = json.loads(block.select_one("pre.essay-cite-csl code").get_text())
    assert len(items) == 1
    item = items[0]
    assert "author" not in item, "the essay's author is not stated: a citation must not invent one"
    assert item["title"].startswith("Fintech’s new look, ¶")
    assert item["container-title"].startswith("Fintech's New Look")
    assert item["issued"] == {"date-parts": [[2023, 8, 6]]}
    assert re.fullmatch(r"https://\S+#para-\d+", item["URL"])
    bibtex = block.select_one("pre.essay-cite-bibtex code").get_text()
    head = re.match(r"@online\{([\w-]+),\n", bibtex)
    assert head, bibtex
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bibtex, re.M))
    assert bibtex.count("{") == bibtex.count("}") and bibtex.rstrip().endswith("}")
    assert len(fields) == bibtex.count("\n") - 1, "a line of the entry is not a field"
    assert {"title", "date", "url", "booktitle"} <= fields.keys() and "author" not in fields
    assert fields["date"] == "2023-08-06"
    formatted = block.select_one(".essay-cite-text").get_text()
    assert formatted.startswith("“Fintech’s new look”, ¶") and "6 August 2023" in formatted


def test_the_copy_button_puts_the_citation_on_the_clipboard(browser, site_url):
    from support.browser import Recorder
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    address = urlsplit(site_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"{address.scheme}://{address.netloc}")
    page = context.new_page()
    page.recorder = Recorder().attach(page)
    try:
        open_page(page, site_url + CHAPTER)
        details = page.locator("blockquote.essay-para details.essay-cite").first
        details.locator("summary").click()
        for form, kind in (("pre.essay-cite-bibtex", "BibTeX"), ("pre.essay-cite-csl", "CSL-JSON")):
            block = details.locator(".essay-cite-form", has=page.locator(form))
            block.get_by_role("button", name=re.compile(kind)).click()
            expect(block.locator("button")).to_have_text("Copied")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == block.locator("code").text_content()
        json.loads(copied)
        assert_clean(page)
    finally:
        context.close()


def test_without_script_the_citation_is_text_to_select(built_site):
    """No button in the HTML: the script adds them; without it each form is plain text in the page."""
    block = cite_block(built_site)
    assert block.select("button") == []
    assert [p.get_text() for p in block.select(".essay-cite-label")] == ["Plain", "Formatted", "BibTeX", "CSL-JSON"]


def highlight(page, selector: str) -> str:
    page.wait_for_load_state("load")    # the stylesheets are in: before, every computed style reads empty
    return page.locator(selector).evaluate("e => getComputedStyle(e).boxShadow + ' ' + getComputedStyle(e).borderLeftColor")


def test_the_paragraph_a_link_lands_on_is_highlighted(page, site_url, built_site):
    """Loaded with its address (:target), and reached by instant navigation (which leaves :target behind)."""
    link = next(a for a in soup(built_site, CHAPTER).select("article a.xref-p, article a.xref-q")
                if a["href"].startswith("../") and "#para-" in a["href"])
    target = urlsplit(urljoin("/" + CHAPTER, link["href"]))
    path, landing = target.path.strip("/") + "/", target.fragment
    other = next(q["id"] for q in soup(built_site, path).select("blockquote.essay-para") if q["id"] != landing)
    open_page(page, site_url + path)
    plain = highlight(page, f"#{landing}")
    page.goto("about:blank")    # then a load with the address: not a jump within the page, which instant
    open_page(page, site_url + path + "#" + landing)   # navigation takes for a new page and fetches again
    landed = highlight(page, f"#{landing}")
    assert landed != plain
    assert highlight(page, f"#{other}") == plain
    # from another page, by a ¶ link, through Material's instant navigation
    instant_navigation(page, site_url, built_site)
    open_page(page, site_url + CHAPTER)
    same_document(page)
    page.locator(f'article a[data-xref="{link["data-xref"]}"]').first.click()
    expect(page.locator(f"#{landing}")).to_have_class(re.compile(r"\bis-landed\b"))
    assert page.evaluate("window.sameDocument === true"), "the page was loaded anew: no instant navigation"
    assert page.url.split("#")[0] == site_url + path
    assert highlight(page, f"#{landing}") == landed
    assert highlight(page, f"#{other}") == plain
    assert_clean(page)


def test_a_chapter_with_a_preview_open_has_no_axe_violation_in_either_palette(browser, site_url, built_site):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_page(page, site_url + CHAPTER)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found = []
        for kind in ("fig", "src"):
            page.locator(expected_text(built_site, kind)[0]).hover()
            expect(page.locator(PREVIEW + " .xref-preview-body")).to_be_visible()
            found += axe_violations(page, CHAPTER)
            page.locator("form[data-md-component=palette] label:visible").dispatch_event("click")
            page.wait_for_timeout(300)
            page.locator(expected_text(built_site, kind)[0]).hover()
            expect(page.locator(PREVIEW + " .xref-preview-body")).to_be_visible()
            found += axe_violations(page, CHAPTER)
        assert found == [], "\n".join(found)
    finally:
        context.close()
