"""Every internal link and #anchor of the built site resolves (LinkChecker over HTTP on 127.0.0.1); links to other
hosts are listed but never fetched."""
from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from editions import common
from support import linkreport
from support.fixtures import site_path
from support.server import serve

HOME = "index.html"
# Planted in a copy of the site for the whole-site check: it must be the one and only finding.
PLANTED_PAGE = "chapters/06-conclusion/index.html"
PLANTED_HREF = "../02-middleman-trap/#planted-missing-anchor"


def chapter_urls() -> list[str]:
    """The chapters' URLs, from the navigation (the editions' nav walker)."""
    config = common.load_config(ROOT / "mkdocs.yml")
    return [page.url for page in common.nav_pages(config) if page.src.startswith("chapters/")]


def plant_link(page, href: str) -> None:
    """Append a link to `href` to the article of the built page `page`."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    link = soup.new_tag("a", href=href)
    link.string = "planted"
    soup.select_one("article").append(link)
    page.write_text(str(soup), encoding="utf-8")


@pytest.fixture(scope="module")
def planted_site_url(built_site, tmp_path_factory):
    """The built site, copied with one broken anchor planted, served under the published path like site_url."""
    root = tmp_path_factory.mktemp("planted")
    copy = root / site_path()
    shutil.copytree(built_site, copy)
    plant_link(copy / PLANTED_PAGE, PLANTED_HREF)
    with serve(root) as url:
        yield url + site_path()


def test_built_site_has_no_broken_link_or_anchor(planted_site_url):
    # One run over the real site plus one planted broken anchor: the planted anchor must be its only finding,
    # so the run proves that anchors were checked and that the real site has no broken link or anchor.
    report = linkreport.check(planted_site_url)
    failures = report.failures()
    planted = [row for row in failures if row["url"].endswith("/02-middleman-trap/#planted-missing-anchor")]
    assert planted and "planted-missing-anchor" in planted[0]["warningstring"], \
        f"the planted broken anchor was not reported: anchors are not being checked\n{report.stderr}"
    real = [row for row in failures if row not in planted]
    assert not real, report.describe(real)
    assert report.returncode == 1, report.stderr  # the planted anchor's warning, and nothing worse
    checked = {row["url"] for row in report.rows if row["result"].startswith("200")}
    # The crawl reached every chapter, so a pass means something.
    for chapter in chapter_urls():
        assert any(url.endswith(f"/{chapter}") for url in checked), f"{chapter} was never checked"
    external = [row for row in report.rows if not row["url"].startswith(planted_site_url)]
    assert external and all("outside of the domain filter" in row["infostring"] for row in external), \
        "external links must be listed, not fetched"


def test_planted_broken_link_and_anchor_are_reported_by_name(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    for href in ("chapters/no-such-chapter/", "chapters/02-middleman-trap/#no-such-anchor"):
        plant_link(site / HOME, href)

    with serve(site) as url:  # the home page and what it links to, one level deep: enough to find both
        report = linkreport.check(url, recursion_level=1)
    failures = report.describe()
    assert report.returncode == 1, failures
    broken = [row for row in report.failures() if row["url"].endswith("/chapters/no-such-chapter/")]
    assert broken and "404" in broken[0]["result"], failures
    anchor = [row for row in report.failures() if row["url"].endswith("/02-middleman-trap/#no-such-anchor")]
    assert anchor and "no-such-anchor" in anchor[0]["warningstring"], failures
    assert len(report.failures()) == 2, failures
