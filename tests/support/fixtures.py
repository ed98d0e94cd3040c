"""Fixtures shared by the link, browser and accessibility tests; a test module imports the ones it uses."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT
from support.browser import Recorder
from support.server import serve


def site_path() -> str:
    """The path the site is published under ("new-look/"), from site_url in mkdocs.yml."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return urlsplit(config["site_url"]).path.strip("/") + "/"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture handbook (about bees), built once for the whole session."""
    from conftest import run_build
    from support.handbooks import FIXTURE
    site = tmp_path_factory.mktemp("fixture") / "site"
    result = run_build(FIXTURE, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="session")
def site_url(built_site, tmp_path_factory) -> str:
    """The built handbook over HTTP on 127.0.0.1, under the same path as when published: the 404 page
    refers to its assets by absolute paths built from site_url."""
    root = tmp_path_factory.mktemp("served")
    prefix = site_path()
    (root / prefix).parent.mkdir(parents=True, exist_ok=True)
    (root / prefix.rstrip("/")).symlink_to(built_site, target_is_directory=True)
    with serve(root) as url:
        yield url + prefix


@pytest.fixture
def page(browser):
    """A fresh browser context and page, with its requests and errors recorded in `page.recorder`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.recorder = Recorder().attach(page)
    yield page
    context.close()
