"""The foundation: the site builds, has its pages, keeps the essay intact and loads nothing from other hosts."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, run_build

sys.path.insert(0, str(ROOT / "scripts"))
import third_party_scan  # noqa: E402
from editions import common  # noqa: E402
from xref.core.markdown_syntax import front_matter_lines  # noqa: E402
from xref.core.model import chapter_title  # noqa: E402

SHARED_ESSAY = ROOT.parent / "shared" / "essay" / "fintechs-new-look.txt"


def nav_pages() -> list[str]:
    """Every Markdown page named in mkdocs.yml's navigation (the editions' nav walker: one for the project)."""
    return [page.src for page in common.nav_pages(common.load_config(ROOT / "mkdocs.yml"))]


def front_matter_title(page: str) -> str:
    """The page's title as readers see it: a chapter's numbered from its front matter ("2. The middleman trap")."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    _, end = front_matter_lines(text)   # the engine's front-matter reader
    meta = yaml.safe_load("\n".join(text.split("\n")[1:end]))
    return chapter_title(meta.get("chapter"), meta["title"])


def output_path(site: Path, page: str) -> Path:
    stem = page[: -len(".md")]
    return site / "index.html" if stem == "index" else site / stem / "index.html"


def test_every_navigation_page_is_built_with_its_title(built_site):
    pages = nav_pages()
    assert "glossary.md" in pages and sum(p.startswith("chapters/") for p in pages) == 6
    for page in pages:
        html = output_path(built_site, page)
        assert html.is_file(), f"{page} was not built"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")
        title = front_matter_title(page)
        assert soup.title.get_text().startswith(title), f"{page}: <title> is {soup.title.get_text()!r}"


def test_essay_source_is_byte_identical_to_the_published_text():
    if not SHARED_ESSAY.exists():
        pytest.skip("the shared essay is not beside this checkout")
    assert (ROOT / "essay" / "source.txt").read_bytes() == SHARED_ESSAY.read_bytes()


def test_built_site_loads_nothing_from_other_hosts(built_site):
    findings = third_party_scan.scan(built_site)
    assert findings == [], "\n".join(map(str, findings))


def test_scanner_catches_each_kind_of_third_party_resource(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="https://cdn.example.org/x.js"></script></head>'
        '<body><img src="//img.example.org/a.png" alt="a"><div style="background:url(https://e.org/b.png)"></div>'
        '<a href="https://example.org/">a link is not a resource</a></body></html>', encoding="utf-8")
    (tmp_path / "style.css").write_text('@import "https://e.org/c.css"; p{background:url("https://e.org/d.png")}')
    (tmp_path / "app.js").write_text('fetch("https://cdn.jsdelivr.net/npm/lib")', encoding="utf-8")
    urls = sorted(f.url for f in third_party_scan.scan(tmp_path))
    assert urls == sorted([
        "https://fonts.googleapis.com/css?family=Roboto", "https://cdn.example.org/x.js", "//img.example.org/a.png",
        "https://e.org/b.png", "https://e.org/c.css", "https://e.org/d.png", "https://cdn.jsdelivr.net/npm/lib",
    ])


def test_broken_internal_link_fails_the_build_naming_the_file(handbook_copy, tmp_path):
    page = handbook_copy / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the missing page](no-such-page.md).\n",
                    encoding="utf-8")
    site = tmp_path / "site"
    result = run_build(handbook_copy, site)
    assert result.returncode != 0
    assert "about.md" in result.stderr and "no-such-page.md" in result.stderr
    assert not site.exists(), "a failed build must publish nothing"


def test_failed_build_leaves_the_published_site_as_it_was(handbook_copy, tmp_path):
    site = tmp_path / "site"
    assert run_build(handbook_copy, site).returncode == 0
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    (handbook_copy / "docs" / "index.md").write_text("---\nid: home\ntitle: Home\n---\n[x](gone.md)\n")
    assert run_build(handbook_copy, site).returncode != 0
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
