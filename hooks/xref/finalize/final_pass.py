"""Stage 5, per page: the final pass. A pure function of a page's scanned HTML and a snapshot of the whole build
(the frozen registry): the page's final HTML, and the text its search index should read.

Placeholders left by the scan (<xref-ref>, <xref-term>) become links, slots (<div class="xref-slot">) are
filled with generated lists and figures, and chapters end with related reading.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..core.model import PageInfo, Reference
from ..core.urls import link
from ..generated import lists
from ..generated.backlinks import Backlinks
from ..generated.related import related_html
from ..registry.registry import Registry
from ..registry.resolve import Resolution, Target, resolve_all
from .links import reference_html, reference_text, term_link_open
from .search import BACKLINK_SLOTS, searchable

# The autolink placeholders the scan writes: an opening tag (term id, anchor) and a closing tag around the text.
TERM_OPEN_RE = re.compile(r'<xref-term data-term="([^"]+)" id="([^"]+)">')
TERM_CLOSE = "</xref-term>"
REF_RE = re.compile(r'<xref-ref data-n="(\d+)"></xref-ref>')
SLOT_RE = re.compile(r'<(div|span) class="xref-slot" data-slot="([^"]+)"></\1>')
H1_RE = re.compile(r"(<h1\b[^>]*>)")
UrlFor = Callable[[str, str, str], str]   # (target page URL, anchor, from page URL) -> href


@dataclass(frozen=True)
class Snapshot:
    """What the final pass reads of the whole build: the frozen registry, and the HTML of each figure."""
    registry: Registry
    figure_html: dict[str, str] = field(default_factory=dict)

    @cached_property
    def resolutions(self) -> dict[tuple[str, int], Resolution]:
        return resolve_all(self.registry)

    @cached_property
    def backlinks(self) -> Backlinks:
        return Backlinks(self.registry, self.resolutions)


# A run of placeholders separated by spaces, commas or semicolons, with the parentheses an author may have put
# around it: adjacent citations are set together in one pair of parentheses, the engine's.
RUN_RE = re.compile(r'(\(\s*)?(<xref-ref data-n="\d+"></xref-ref>(?:\s*[,;]?\s*<xref-ref data-n="\d+"></xref-ref>)*)'
                    r'(\s*\))?')
NUMBER_RE = re.compile(r'data-n="(\d+)"')


def fix_refs(html: str, page: PageInfo, snapshot: Snapshot, url_for: UrlFor = link,
             text_only: bool = False) -> tuple[str, list[Reference]]:
    """`html` with each reference placeholder replaced by its link (or by the link's text alone), and the
    references that could not be resolved (the cross-page checks have reported them). Citations are set
    author-date in parentheses, adjacent ones in one pair: "(Global Times 2018; South China Morning Post 2021)"."""
    unresolved: list[Reference] = []

    def one(number: int) -> str:
        ref = page.references[number]
        resolution = snapshot.resolutions[(page.src, ref.number)]
        if not isinstance(resolution, Target):
            unresolved.append(ref)
        if text_only:
            return reference_text(ref, resolution)
        href = url_for(resolution.page.url, resolution.anchor, page.url) if isinstance(resolution, Target) else ""
        return reference_html(ref, resolution, href)

    def run(match: re.Match) -> str:
        numbers = [int(n) for n in NUMBER_RE.findall(match[2])]
        if not all(page.references[n].kind == "src" for n in numbers):
            return REF_RE.sub(lambda m: one(int(m[1])), match[0])
        both = match[1] is not None and match[3] is not None   # the author's own pair: the engine's replaces it
        before, after = ("", "") if both else (match[1] or "", match[3] or "")
        cited = "; ".join(one(n) for n in numbers)
        group = f"({cited})" if text_only else f'<span class="xref-cite">({cited})</span>'
        return before + group + after

    return RUN_RE.sub(run, html), unresolved


def finalize_page(src: str, html: str, snapshot: Snapshot) -> tuple[str, str]:
    """(the page's final HTML, the text a search index should read). The second has the engine's links as
    plain text and leaves out the backlink lists ("Mentioned in", related reading): indexers keep the text
    of links, not their markup, and those lists would make every chapter match every other chapter's name.
    It is empty for a page kept out of the search index (the index of terms: megabytes of links)."""
    registry = snapshot.registry
    page = registry.pages.get(src)
    if page is None:
        return html, html
    slots: dict[str, str] = {}

    def fill(match: re.Match) -> str:
        name = match.group(2)
        if name not in slots:
            slots[name] = slot_html(name, page, snapshot)
        return slots[name]

    def fill_for_search(match: re.Match) -> str:
        return "" if match.group(2).startswith(BACKLINK_SLOTS) else fill(match)

    full = SLOT_RE.sub(fill, fix_refs(html, page, snapshot)[0])
    lean = ""
    if searchable(page):
        lean = SLOT_RE.sub(fill_for_search, fix_refs(html, page, snapshot, text_only=True)[0])
    if page.chapter is not None and page.kind == "page":
        full += related_html(page, snapshot.backlinks)
    full, lean = numbered_h1(full, page), numbered_h1(lean, page)
    full = TERM_OPEN_RE.sub(_term_links(page, snapshot), full)
    lean = TERM_OPEN_RE.sub("", lean)   # no template to expand: the substitution runs in C
    return full.replace(TERM_CLOSE, "</a>"), lean.replace(TERM_CLOSE, "")


def numbered_h1(html: str, page: PageInfo) -> str:
    """A chapter's h1 begins with its number, as the navigation names it ("2. The middleman trap":
    core.model.chapter_title). Set here, after the scan, so that its id and the section names stay the title's."""
    if page.chapter is None or page.kind != "page":
        return html
    return H1_RE.sub(lambda m: f'{m[1]}<span class="chapter-number">{page.chapter}.</span> ', html, count=1)


def _term_links(page: PageInfo, snapshot: Snapshot) -> Callable[[re.Match], str]:
    """The replacement of each autolink placeholder on `page`: a link to the term's glossary entry."""
    terms = snapshot.registry.terms
    glossary = snapshot.registry.special_page("glossary")
    to_glossary = link(glossary.url, "", page.url) if glossary else ""  # the same for every term link
    on_glossary = glossary is not None and glossary.url == page.url

    def replace(match: re.Match) -> str:
        term = terms[match[1]]
        if on_glossary:
            href = f"#{term.id}"
        else:
            href = f"{to_glossary}#{term.id}" if to_glossary else "#"
        return term_link_open(term, match[2], href)
    return replace


def slot_html(name: str, page: PageInfo, snapshot: Snapshot) -> str:
    """What fills the slot `name` ("kind:argument") on `page`."""
    kind, _, arg = name.partition(":")
    if kind == "figure":
        return snapshot.figure_html.get(arg, "")
    if kind == "mentioned-in":
        return lists.mentioned_in_html(arg, snapshot.backlinks, page)
    if kind == "terms":
        return lists.terms_letter_html(arg, snapshot.backlinks, page)
    if kind == "sources":
        return lists.sources_html(arg, snapshot.backlinks, page)
    if kind == "concordance":
        return lists.concordance_html(int(arg), snapshot.backlinks, page)
    if kind == "panel":
        return lists.panel_html(int(arg), snapshot.backlinks, page)
    return ""
