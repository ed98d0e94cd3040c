"""Who mentions, cites and refers to what, across all pages: computed once, after every page has been scanned,
for the generated lists and related reading."""
from __future__ import annotations

from collections import Counter, defaultdict

from ..core.model import PageInfo, Term
from ..registry.registry import Registry
from ..registry.resolve import Resolution, Target
from .pages import letter, sorted_terms


class Backlinks:
    """Who mentions, cites and refers to what: computed once, after every page has been scanned."""

    def __init__(self, registry: Registry, resolutions: dict[tuple[str, int], Resolution]) -> None:
        self.registry = registry
        # Generated pages and maintainer pages (`reader: false`) are not backlinks.
        pages = [p for p in registry.pages.values() if p.kind == "page" and p.reader]
        self.pages = sorted(pages, key=lambda p: (p.chapter is None, p.chapter or 0, p.label.casefold()))
        self.by_term: dict[str, list[tuple[PageInfo, list]]] = defaultdict(list)
        self.terms_of: dict[str, set[str]] = {}
        self.paragraph_refs: dict[str, list[tuple[PageInfo, object]]] = defaultdict(list)   # the first per page
        self.places: dict[str, list[tuple[PageInfo, object]]] = defaultdict(list)           # every one
        for page in self.pages:
            grouped: dict[str, list] = {}
            for mention in page.mentions:
                grouped.setdefault(mention.term, []).append(mention)
            for term, mentions in grouped.items():
                self.by_term[term].append((page, mentions))
            self.terms_of[page.src] = set(grouped)
            seen = set()
            for ref in page.references:
                if ref.kind in ("p", "q"):
                    self.places[ref.target].append((page, ref))
                    if ref.target not in seen:
                        seen.add(ref.target)
                        self.paragraph_refs[ref.target].append((page, ref))
        self.citations: dict[str, list[tuple[PageInfo, object]]] = defaultdict(list)
        for page in registry.pages.values():
            if not page.reader:
                continue
            for ref in page.references:
                if ref.kind == "src":
                    self.citations[ref.target].append((page, ref))
        self.edges = page_edges(registry, resolutions)
        self.referrers: dict[str, set[str]] = defaultdict(set)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for (src, dst) in self.edges:
            self.referrers[dst].add(src)
            self.neighbours[src].add(dst)
            self.neighbours[dst].add(src)
        self._by_letter: dict[str, list[Term]] | None = None
        # Every page is known and titled by now; these are read thousands of times by the generated pages.
        self.labels = {src: page.label for src, page in registry.pages.items()}
        self.chapters = {src: page.chapter for src, page in registry.pages.items()}

    def terms_by_letter(self) -> dict[str, list[Term]]:
        """Sorted glossary terms grouped by index letter (sorted once, not once per letter)."""
        if self._by_letter is None:
            self._by_letter = {}
            for term in sorted_terms(self.registry.terms):
                self._by_letter.setdefault(letter(term), []).append(term)
        return self._by_letter


def page_edges(registry: Registry, resolutions: dict[tuple[str, int], Resolution]) -> Counter:
    """(from src, to src) -> number of explicit references from one page to another."""
    edges: Counter = Counter()
    for page in registry.pages.values():
        if not page.reader:     # a maintainer page's references are not related reading
            continue
        for ref in page.references:
            if ref.kind not in ("ch", "sec", "fig", "p", "q"):
                continue
            target = resolutions[(page.src, ref.number)]
            if isinstance(target, Target) and target.page.src != page.src and target.page.reader:
                edges[(page.src, target.page.src)] += 1
    return edges
