"""Issue 16 in Chromium: searches that a reader makes (toneless pinyin, Chinese) and a citation's full
reference on keyboard focus."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from test_browser import CHAPTER, open_page, type_query


def first_result(page, site_url: str, query: str):
    """The link of the first search result for `query`, typed into the search box of a chapter."""
    open_page(page, site_url + CHAPTER)
    page.keyboard.press("/")
    type_query(page, query)
    return page.locator(".md-search-result a.md-search-result__link").first


def test_toneless_pinyin_finds_the_glossary_entry(page, site_url):
    expect(first_result(page, site_url, "jinrong")).to_have_attribute("href", re.compile(r"/glossary/"))


def test_a_chinese_search_puts_the_handbook_before_the_contributor_guide(page, site_url):
    expect(first_result(page, site_url, "金融")).not_to_have_attribute(
        "href", re.compile(r"/(contributing|changelog)/"))


def test_a_citation_shows_its_full_reference_on_focus(page, site_url):
    open_page(page, site_url + CHAPTER)
    cite = page.locator("article a.xref-src").first
    cite.focus()
    tooltip = page.locator("#xref-preview[role=tooltip]")     # the preview (docs/assets/previews.js)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(":")   # the sources page's entry: "Label: publisher, title, date."
