"""Related reading at the end of a chapter: the chapters that share its terms or refer to it, and the pages
that refer to it."""
from __future__ import annotations

from collections import Counter

from ..core.model import PageInfo
from ..core.urls import link
from .backlinks import Backlinks
from .lists import a_html


def related_html(page: PageInfo, backlinks: Backlinks, limit: int = 3) -> str:
    """"Related chapters" (shared terms, references either way) and "Referenced from" for a chapter."""
    registry, edges = backlinks.registry, backlinks.edges
    mine = backlinks.terms_of.get(page.src, set())
    # A term found on nearly every page says nothing about which pages belong together (and would make this
    # quadratic in the number of pages): only terms on at most max(12, 5% of pages) pages count.
    common = max(12, len(backlinks.pages) // 20)
    shared_count: Counter = Counter()
    for term in mine:
        pages = backlinks.by_term.get(term, [])
        if len(pages) <= common:
            for other, _ in pages:
                shared_count[other.src] += 1
    scored, chapters, labels = [], backlinks.chapters, backlinks.labels
    for src in set(shared_count) | backlinks.neighbours.get(page.src, set()):
        chapter = chapters[src]
        if src == page.src or chapter is None or registry.pages[src].kind != "page" \
                or not registry.pages[src].reader:
            continue
        explicit = edges[(page.src, src)] + edges[(src, page.src)]
        score = shared_count[src] + 3 * explicit
        if score:
            scored.append((-score, chapter, src, explicit))
    top = []
    for _, _, src, explicit in sorted(scored)[:limit]:
        shared = [t for t in sorted(mine & backlinks.terms_of.get(src, set()))
                  if len(backlinks.by_term.get(t, [])) <= common]
        top.append((registry.pages[src], shared, explicit))
    related = []
    for other, shared, explicit in top:
        why = []
        if explicit:
            why.append("cross-referenced")
        if shared:
            names = [registry.terms[t].term for t in shared[:4] if t in registry.terms]
            why.append(f"{len(shared)} shared term{'s' if len(shared) > 1 else ''}: " + ", ".join(names)
                       + (", …" if len(shared) > 4 else ""))
        related.append(f"<li>{a_html(link(other.url, '', page.url), f'{other.label}: {other.title}')} "
                       f'<span class="xref-why">({"; ".join(why)})</span></li>')
    referrers = sorted((registry.pages[src] for src in backlinks.referrers.get(page.src, ())),
                       key=lambda p: (chapters[p.src] is None, chapters[p.src] or 0, labels[p.src]))
    parts = []
    if related:
        parts.append(f'<p class="xref-related-title">Related chapters</p><ul>{"".join(related)}</ul>')
    if referrers:
        items = "".join(f"<li>{a_html(link(p.url, '', page.url), labels[p.src] if chapters[p.src] is None else f'{labels[p.src]}: {p.title}')}</li>"
                        for p in referrers)
        parts.append(f'<p class="xref-related-title">Referenced from</p><ul>{items}</ul>')
    if not parts:
        return ""
    return f'<aside class="xref-related" aria-label="Related reading">{"".join(parts)}</aside>'
