"""Fixtures shared by the link, browser and accessibility tests; a test module imports the ones it uses."""
from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from support.browser import Recorder, launch
from support.server import serve


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """The built handbook over HTTP on 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page, with its requests and errors recorded in `page.recorder`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.recorder = Recorder().attach(page)
    yield page
    context.close()
