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
