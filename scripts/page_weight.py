"""Page weight of a built chapter: what a reader's browser transfers on first load, gzip-compressed.

    python scripts/page_weight.py [--site-dir site] [--page chapters/01-first-half/]

Counts the page's HTML and every stylesheet, script, icon, image and font it references (in the HTML and,
recursively, in the stylesheets), each compressed with gzip -6 as a web server would send it; then what
Material's script fetches right after load (search worker, search index, sitemap). Exits 1 if a target is
missed: chapter page under 150 KB on first load, search index under 200 KB.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

PAGE_TARGET = 150 * 1024
INDEX_TARGET = 200 * 1024
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def local_file(site: Path, page_url: str, reference: str) -> Path | None:
    """The file in `site` that `reference` (relative to `page_url`) names; None for data: and other hosts."""
    url = urljoin(page_url, reference)
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.netloc != "site":
        return None
    path = site / unquote(parts.path).lstrip("/")
    if path.is_dir() or parts.path.endswith("/"):
        path = path / "index.html"
    return path if path.is_file() else None


def html_references(html: str) -> list[str]:
    """Resources the browser loads to show the page (links to other pages are not loaded)."""
    soup = BeautifulSoup(html, "lxml")
    refs = [link["href"] for link in soup.find_all("link", href=True)
            if {"stylesheet", "icon", "preload", "modulepreload"} & set(link.get("rel", []))]
    refs += [tag["src"] for tag in soup.find_all(["script", "img", "source", "video", "audio"], src=True)]
    return refs


def first_load(site: Path, page: str) -> dict[str, int]:
    """Every file loaded for `page` with its gzipped size, the page first."""
    page_url = f"http://site/{page}"
    start = local_file(site, page_url, "")
    if start is None:
        raise SystemExit(f"{page}: no such page in {site}")
    loaded = {str(start.relative_to(site)): gzipped(start)}
    queue = [(page_url, ref) for ref in html_references(start.read_text(encoding="utf-8"))]
    while queue:
        base, ref = queue.pop()
        path = local_file(site, base, ref)
        if path is None or str(path.relative_to(site)) in loaded:
            continue
        loaded[str(path.relative_to(site))] = gzipped(path)
        if path.suffix == ".css":  # fonts, images and imports of the stylesheet
            css_url = urljoin(base, ref)
            queue += [(css_url, a or b) for a, b in CSS_URL.findall(path.read_text(encoding="utf-8"))]
    return loaded


def after_load(site: Path, page: str) -> dict[str, int]:
    """What Material's script fetches once the page is shown: the search worker and index, the sitemap
    (for instant navigation)."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    config = json.loads(BeautifulSoup(html, "lxml").find("script", id="__config").string)
    files = [config["search"], "search/search_index.json", "sitemap.xml"]
    page_url = f"http://site/{page}"
    found = {}
    for ref in files:
        path = local_file(site, urljoin(page_url, config["base"] + "/"), ref)
        if path is not None:
            found[str(path.relative_to(site))] = gzipped(path)
    return found


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--page", default="chapters/01-first-half/")
    args = parser.parse_args()
    site, page = args.site_dir, args.page.strip("/") + "/"
    loaded = first_load(site, page)
    later = after_load(site, page)
    total = sum(loaded.values())
    index = later.get("search/search_index.json", 0)
    print(f"page {page} of {site}, sizes gzip -6:")
    for name, size in sorted(loaded.items(), key=lambda item: -item[1]):
        print(f"  {kb(size):>9}  {name}")
    print(f"first load: {kb(total)} in {len(loaded)} requests (target under {kb(PAGE_TARGET)})")
    print("fetched by Material's script after load:")
    for name, size in later.items():
        print(f"  {kb(size):>9}  {name}")
    print(f"search index: {kb(index)} (target under {kb(INDEX_TARGET)})")
    print(f"total with search: {kb(total + sum(later.values()))} in {len(loaded) + len(later)} requests")
    ok = total < PAGE_TARGET and 0 < index < INDEX_TARGET
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
