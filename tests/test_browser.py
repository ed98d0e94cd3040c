"""The built handbook in a real browser (Debian's Chromium through Playwright), served on 127.0.0.1: menus,
search in English and Chinese, tooltips, palettes, permalinks and backlinks work under the site's
Content-Security-Policy, and the site asks no other host for anything."""
from __future__ import annotations

import re

import jieba
import pytest
import yaml
from playwright.sync_api import expect

from conftest import ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
CHAPTER = "chapters/01-first-half/"
# mike writes versions.json beside the versions at deploy time; a plain build served alone has none, and
# Material's version selector asks for it. Nothing else may fail to load.
EXPECTED_MISSING = re.compile(r"/versions\.json$")


def glossary() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))


def chinese_search_case() -> tuple[dict, str]:
    """A glossary entry whose Chinese term jieba splits into words, and one of those words as the query:
    searching for a word must find the compound (金融 finds 互联网金融). Internet finance if it is there."""
    entries = sorted(glossary(), key=lambda e: e["id"] != "internet-finance")
    for entry in entries:
        chinese = str(entry.get("chinese") or "").split("(")[0].split("/")[0].strip()
        words = [w for w in jieba.lcut(chinese) if len(w) >= 2 and w != chinese]
        if words:
            return entry, words[-1]
    pytest.fail("no glossary entry has a Chinese compound term to search for")


def assert_clean(page) -> None:
    """No request left 127.0.0.1, and the console reported no error (CSP violations included)."""
    recorder = page.recorder
    assert recorder.foreign_requests() == [], f"requests to other hosts: {recorder.foreign_requests()}"
    errors = [e for e in recorder.errors if not EXPECTED_MISSING.search(e)]
    assert errors == [], "\n".join(errors)


def open_page(page, url: str) -> None:
    page.goto(url)
    # Material's script has run (it swaps <html class="no-js"> for "js") and mounted the header.
    page.wait_for_function("() => document.documentElement.classList.contains('js')")
    expect(page.locator("[data-md-component=header-title]")).to_be_visible()


def type_query(page, query: str) -> None:
    """Type into the focused search box once the index is loaded. Material reads the query on keyup, which
    typing Chinese through an input method fires when the word is committed: End stands in for that."""
    expect(page.locator(".md-search-result__meta")).not_to_have_text("Initializing search", timeout=15_000)
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    expect(page.locator("li.md-search-result__item").first).to_be_visible(timeout=15_000)


def search_result(page, query: str, href_pattern: str):
    """Open search with its keyboard shortcut, type `query` and return the result whose link matches
    `href_pattern` (a CSS attribute selector), unfolding "more on this page" if it is folded away."""
    page.keyboard.press("/")
    expect(page.locator("input.md-search__input")).to_be_focused()
    type_query(page, query)
    result = page.locator(f".md-search-result a.md-search-result__link{href_pattern}").first
    expect(result).to_be_attached()
    if not result.is_visible():
        page.locator("li.md-search-result__item", has=result).locator("details > summary").click()
    expect(result).to_be_visible()
    return result


def test_home_menu_leads_to_a_chapter(page, site_url):
    open_page(page, site_url)
    page.locator("nav.md-nav--primary label.md-nav__link", has_text="Chapters").click()
    chapter_link = page.locator("nav.md-nav--primary a.md-nav__link[href$='chapters/02-middleman-trap/']")
    title = chapter_link.inner_text().strip()
    chapter_link.click()
    expect(page).to_have_url(re.compile(r"/chapters/02-middleman-trap/$"))
    expect(page.locator("article h1")).to_have_text(re.compile(rf"^{re.escape(title)}§?$"))  # §: its permalink
    assert_clean(page)


@pytest.mark.parametrize("language", ["English", "Chinese"])
def test_search_finds_a_glossary_entry_and_opens_it(page, site_url, language):
    if language == "English":
        entry = next(e for e in glossary() if e.get("chinese"))
        query = entry["term"]
    else:
        entry, query = chinese_search_case()
    open_page(page, site_url + CHAPTER)
    # Result links carry the query for highlighting: glossary/?h=…#id
    search_result(page, query, f"[href*='/glossary/'][href$='#{entry['id']}']").click()
    expect(page).to_have_url(re.compile(rf"/glossary/(\?[^#]*)?#{re.escape(entry['id'])}$"))
    expect(page.locator(f"h2#{entry['id']}")).to_be_in_viewport()
    assert_clean(page)


def test_glossary_link_shows_its_definition_as_tooltip(page, site_url):
    open_page(page, site_url + CHAPTER)
    term = page.locator("article a.xref-term").first
    entry_id = term.get_attribute("data-xref").split(":", 1)[1]
    short = " ".join(next(e for e in glossary() if e["id"] == entry_id)["short"].split())
    term.hover()
    tooltip = page.locator(".md-tooltip2")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(short[:40])
    assert_clean(page)


def test_palette_toggle_switches_light_and_dark_and_screenshots_are_saved(page, site_url):
    open_page(page, site_url + CHAPTER)
    body = page.locator("body")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chapter-light.png"), full_page=False)
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.screenshot(path=str(ARTIFACTS / "chapter-dark.png"), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert (ARTIFACTS / "chapter-light.png").stat().st_size > 0 and (ARTIFACTS / "chapter-dark.png").stat().st_size > 0
    assert_clean(page)


def test_paragraph_permalink_leads_to_the_quotation(page, site_url):
    open_page(page, site_url + CHAPTER)
    quotation = page.locator("blockquote.essay-para").nth(1)
    number = quotation.get_attribute("id")
    assert re.fullmatch(r"para-\d+", number), number
    quotation.locator(f"a.essay-para-num[href$='#{number}']").click()  # Material makes links absolute
    expect(page).to_have_url(re.compile(rf"#{number}$"))
    expect(quotation).to_be_in_viewport()
    assert_clean(page)


def test_mentioned_in_backlink_leads_to_the_mention(page, site_url):
    open_page(page, site_url + "glossary/")
    backlink = page.locator("p.xref-mentioned-in a").first
    href = backlink.get_attribute("href")
    anchor = href.split("#", 1)[1]
    backlink.click()
    expect(page).to_have_url(re.compile(rf"/chapters/[^/]+/#{re.escape(anchor)}$"))
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    assert_clean(page)


# --- keyboard only ------------------------------------------------------------------------------------------------

def tab_to(page, selector: str, limit: int = 60):
    """Press Tab until the focused element matches `selector`; fails if it is not reached in `limit` steps."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.locator(":focus")
    pytest.fail(f"{selector} cannot be reached with Tab")


def test_keyboard_reaches_and_uses_search(page, site_url):
    entry = next(e for e in glossary() if e.get("chinese"))
    open_page(page, site_url + CHAPTER)
    tab_to(page, "input.md-search__input")
    type_query(page, entry["term"])
    page.keyboard.press("ArrowDown")
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile("md-search-result__link"))
    href = focused.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href.split("/", 3)[-1]) + "$"))
    expect(page.locator("input.md-search__input")).not_to_be_focused()
    assert_clean(page)


def test_keyboard_reaches_and_uses_navigation(page, site_url):
    open_page(page, site_url)
    tab_to(page, "nav.md-nav--primary label.md-nav__link")  # the "Chapters" section
    page.keyboard.press("Enter")  # Material binds Enter on section labels (Space scrolls the page)
    link = tab_to(page, "nav.md-nav--primary a.md-nav__link[href$='chapters/03-new-infrastructure/']")
    expect(link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/chapters/03-new-infrastructure/$"))
    assert_clean(page)


# Material's palette toggle is a radio group: Enter (Material's binding) and the arrow keys (native) switch it.
@pytest.mark.parametrize("key", ["Enter", "ArrowDown"])
def test_keyboard_reaches_and_uses_palette_toggle(page, site_url, key):
    open_page(page, site_url + CHAPTER)
    tab_to(page, "form[data-md-component=palette] input")
    page.keyboard.press(key)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert_clean(page)


def test_content_security_policy_is_enforced(page, site_url):
    """The site works under its policy (every test above), and the policy is live: an injected script is refused."""
    open_page(page, site_url + CHAPTER)
    policy = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
    assert "script-src 'self' 'sha256-" in policy and "inline-script-hashes" not in policy, policy
    with pytest.raises(Exception):
        page.add_script_tag(content="window.injected = true")
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in e for e in page.recorder.errors), page.recorder.errors
