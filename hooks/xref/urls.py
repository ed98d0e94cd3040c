"""Relative URLs between pages, as MkDocs computes them (site-relative page URLs like "chapters/x/")."""
from __future__ import annotations

import html
import posixpath
from functools import lru_cache

# html.escape, remembered: generated pages repeat the same hrefs, labels and tooltips thousands of times.
escape = lru_cache(maxsize=65536)(html.escape)


@lru_cache(maxsize=65536)
def relative_url(url: str, base: str) -> str:
    """URL of page `url` as seen from page `base`."""
    if base not in ("", "."):
        head, tail = posixpath.split(base)
        base = head if "." in tail else base
    rel = posixpath.relpath("/" + url, "/" + base)
    if url == "" or url.endswith("/"):
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel


def link(url: str, anchor: str, base: str) -> str:
    """href from page `base` to `anchor` on page `url` (just "#anchor" on the same page)."""
    if url == base:
        return f"#{anchor}" if anchor else "./"
    target = relative_url(url, base)
    return f"{target}#{anchor}" if anchor else target
