"""Every internal link and #anchor of the built site resolves (LinkChecker over HTTP on 127.0.0.1); links to other
hosts are listed but never fetched."""
from __future__ import annotations

import shutil

from bs4 import BeautifulSoup

from conftest import ROOT
from editions import common
from support import linkreport
from support.server import serve

HOME = "index.html"


def chapter_urls() -> list[str]:
    """The chapters' URLs, from the navigation (the editions' nav walker)."""
    config = common.load_config(ROOT / "mkdocs.yml")
    return [page.url for page in common.nav_pages(config) if page.src.startswith("chapters/")]


def test_built_site_has_no_broken_link_or_anchor(site_url):
    report = linkreport.check(site_url)
    assert report.returncode == 0 and not report.failures(), report.describe() or report.stderr
    checked = {row["url"] for row in report.rows if row["result"].startswith("200")}
    # The crawl reached every chapter and checked anchors inside pages, so a pass means something.
    for chapter in chapter_urls():
        assert any(url.endswith(f"/{chapter}") for url in checked), f"{chapter} was never checked"
    assert any("#" in url for url in checked), "no #anchor was checked"
    external = [row for row in report.rows if not row["url"].startswith(site_url)]
    assert external and all("outside of the domain filter" in row["infostring"] for row in external), \
        "external links must be listed, not fetched"


def test_planted_broken_link_and_anchor_are_reported_by_name(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / HOME
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    article = soup.select_one("article")
    for href in ("chapters/no-such-chapter/", "chapters/02-middleman-trap/#no-such-anchor"):
        link = soup.new_tag("a", href=href)
        link.string = "planted"
        article.append(link)
    page.write_text(str(soup), encoding="utf-8")

    with serve(site) as url:  # the home page and what it links to, one level deep: enough to find both
        report = linkreport.check(url, recursion_level=1)
    failures = report.describe()
    assert report.returncode == 1, failures
    broken = [row for row in report.failures() if row["url"].endswith("/chapters/no-such-chapter/")]
    assert broken and "404" in broken[0]["result"], failures
    anchor = [row for row in report.failures() if row["url"].endswith("/02-middleman-trap/#no-such-anchor")]
    assert anchor and "no-such-anchor" in anchor[0]["warningstring"], failures
    assert len(report.failures()) == 2, failures
