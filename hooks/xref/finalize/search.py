"""Which pages go into the search index, and what of a page it reads."""
from __future__ import annotations

from ..core.model import PageInfo

BACKLINK_SLOTS = ("mentioned-in:", "concordance:", "panel:")   # lists of links to other pages: not for search


def searchable(page: PageInfo | None) -> bool:
    """As the page's front matter's `search: {exclude: …}` says, and by default all but the index of terms
    (links to other pages: searching it would find nothing that the glossary and the chapters do not, and on a
    large handbook it is the biggest page by far)."""
    if page is None:
        return True
    if "search" not in page.meta:
        return page.kind != "terms"
    search = page.meta["search"] or {}
    return not (isinstance(search, dict) and search.get("exclude"))


MAINTAINER_BOOST = 0.2   # Material's `search: boost`: below 1 ranks a page below the others for the same words


def search_meta(page: PageInfo | None) -> dict | None:
    """The `search` front matter the page should have when its own front matter sets none: out of the index
    (see searchable), or ranked low for a maintainer page (`reader: false`), so that a search for 金融 finds the
    glossary and the chapters before the contributor guide's YAML."""
    if page is None or "search" in page.meta:
        return None
    if not searchable(page):
        return {"exclude": True}
    if not page.reader:
        return {"boost": MAINTAINER_BOOST}
    return None
