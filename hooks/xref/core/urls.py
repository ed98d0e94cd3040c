"""URLs: relative links between pages, as MkDocs computes them (site-relative page URLs like "chapters/x/"), and
the one rule for what is external (another host) or a script URL."""
from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache

# A URL that names a host: "https://…", "//…" (any scheme with an authority).
EXTERNAL_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# Browsers drop ASCII whitespace and control characters in URLs: "java\tscript:" is still javascript:.
URL_NOISE = re.compile(r"[\x00-\x20]+")


def is_external(url: str) -> bool:
    """Whether `url` points to another host (the site requests nothing from one)."""
    return bool(EXTERNAL_URL.match(url))


def is_javascript_url(value: str) -> bool:
    return URL_NOISE.sub("", value).lower().startswith(("javascript:", "vbscript:"))

# html.escape, remembered: generated pages repeat the same hrefs, labels and tooltips thousands of times.
escape = lru_cache(maxsize=65536)(html.escape)


@lru_cache(maxsize=65536)
def relative_url(url: str, base: str) -> str:
    """URL of page `url` as seen from page `base`."""
    if base not in ("", "."):
        head, tail = posixpath.split(base)
        base = head if "." in tail else base
    rel = _relpath(url, base)
    if url == "" or url.endswith("/"):
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel


def _relpath(url: str, base: str) -> str:
    """posixpath.relpath("/" + url, "/" + base), without its path normalisation when there is nothing to
    normalise (the usual case: a handbook has tens of thousands of page pairs)."""
    to, start = [s for s in url.split("/") if s], [s for s in base.split("/") if s]
    if "." in to or ".." in to or "." in start or ".." in start:
        return posixpath.relpath("/" + url, "/" + base)
    common = 0
    for a, b in zip(to, start):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def link(url: str, anchor: str, base: str) -> str:
    """href from page `base` to `anchor` on page `url` (just "#anchor" on the same page)."""
    if url == base:
        return f"#{anchor}" if anchor else "./"
    target = relative_url(url, base)
    return f"{target}#{anchor}" if anchor else target


def page_prefix(url: str, base: str) -> str:
    """What stands before "#anchor" in a link from page `base` to page `url`: "" on the same page, so that
    link(url, anchor, base) == page_prefix(url, base) + "#" + anchor for any non-empty anchor."""
    return "" if url == base else relative_url(url, base)
