"""Generated content: the glossary, sources, index-of-terms and essay pages, backlinks and related reading.

Functions that run before all pages are known return Markdown with slots (<div class="xref-slot">) that the
functions taking a Registry fill in at the end.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from .essay import Essay, reading_html
from .model import PageInfo, Term
from .references import Registry
from .urls import escape as esc
from .urls import link, page_prefix


def slot(name: str, tag: str = "div") -> str:
    return f'<{tag} class="xref-slot" data-slot="{esc(name)}"></{tag}>'


def sorted_terms(terms: dict[str, Term]) -> list[Term]:
    return sorted(terms.values(), key=lambda t: (t.term.casefold(), t.id))


def letter(term: Term) -> str:
    first = next((c for c in term.term if c.isalnum()), "#").upper()
    return first if "A" <= first <= "Z" else "#"


# --- before the pages are processed: Markdown ---------------------------------------------------------------

def glossary_markdown(terms: dict[str, Term], sources: set[str]) -> str:
    """The glossary page body; unknown related/sources ids are left out (the glossary check reports them)."""
    blocks = []
    for term in sorted_terms(terms):
        parts = [f"## {term.term} {{#{term.id}}}"]
        if term.chinese or term.pinyin:
            chinese = f'<span lang="zh">{esc(term.chinese)}</span>' if term.chinese else ""
            pinyin = f' <span class="xref-pinyin" lang="zh-Latn-pinyin">{esc(term.pinyin)}</span>' if term.pinyin else ""
            parts.append(f'<p class="xref-chinese">{chinese}{pinyin}</p>')
        parts.append(f'<p class="xref-short">{esc(term.short)}</p>')
        parts.append(term.definition.strip())
        # Written as HTML, not Markdown: on a glossary of hundreds of entries, Markdown's inline patterns are
        # most of the page's build time. The [[…]] tokens are read from the HTML like any others.
        facts = []
        if any(r in terms for r in term.related):
            facts.append("<strong>Related:</strong> " + ", ".join(f"[[term:{r}]]" for r in term.related if r in terms))
        if any(s in sources for s in term.sources):
            facts.append("<strong>Sources:</strong> " + ", ".join(f"[[src:{s}]]" for s in term.sources if s in sources))
        facts_html = f'<p class="xref-facts">{"<br>".join(facts)}</p>\n' if facts else ""
        parts.append(facts_html + slot(f"mentioned-in:{term.id}"))
        blocks.append("\n\n".join(p for p in parts if p))
    return "\n\n".join(blocks)


def terms_markdown(terms: dict[str, Term]) -> str:
    letters = sorted({letter(t) for t in terms.values()})
    return "\n\n".join(f"## {l} {{#terms-{'other' if l == '#' else l.lower()}}}\n\n{slot('terms:' + l)}" for l in letters)


def essay_markdown(essay: Essay) -> str:
    blocks = [f"## {essay.title} {{#published-title}}"]
    for number, paragraph in essay.paragraphs.items():
        if paragraph.heading:
            blocks.append(f"### {paragraph.heading} {{#published-heading-{number}}}")
        blocks.append(
            f'<div class="published-para" id="published-{number}"><p>'
            f'<a class="essay-para-num" href="#published-{number}" title="Permanent link to ¶{number}">¶{number}</a> '
            f'{reading_html(paragraph.text)}</p><p class="xref-concordance">{slot(f"concordance:{number}", "span")}'
            f'</p></div>')
    return "\n\n".join(blocks)


# --- after all pages are processed: HTML ---------------------------------------------------------------------

def _a(href: str, text: str, cls: str = "") -> str:
    cls = f' class="{cls}"' if cls else ""
    return f'<a{cls} href="{esc(href)}">{esc(text)}</a>'


class Backlinks:
    """Who mentions, cites and refers to what: computed once, after every page has been scanned."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        pages = [p for p in registry.pages.values() if p.kind == "page"]  # generated pages are not backlinks
        self.pages = sorted(pages, key=lambda p: (p.chapter is None, p.chapter or 0, p.label.casefold()))
        self.by_term: dict[str, list[tuple[PageInfo, list]]] = defaultdict(list)
        self.terms_of: dict[str, set[str]] = {}
        self.paragraph_refs: dict[str, list[tuple[PageInfo, object]]] = defaultdict(list)
        for page in self.pages:
            grouped: dict[str, list] = {}
            for mention in page.mentions:
                grouped.setdefault(mention.term, []).append(mention)
            for term, mentions in grouped.items():
                self.by_term[term].append((page, mentions))
            self.terms_of[page.src] = set(grouped)
            seen = set()
            for ref in page.references:
                if ref.kind == "p" and ref.target not in seen:
                    seen.add(ref.target)
                    self.paragraph_refs[ref.target].append((page, ref))
        self.citations: dict[str, list[tuple[PageInfo, object]]] = defaultdict(list)
        for page in registry.pages.values():
            for ref in page.references:
                if ref.kind == "src":
                    self.citations[ref.target].append((page, ref))
        self.edges = page_edges(registry)
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


MENTIONED_IN_LIMIT = 12  # beyond this, the glossary points to the index of terms (keeps the page small)


def mentioned_in_html(term_id: str, backlinks: Backlinks, base: PageInfo) -> str:
    links = []
    pages = backlinks.by_term.get(term_id, [])
    for page, mentions in pages[:MENTIONED_IN_LIMIT]:
        first = mentions[0]
        label = page.label + (f" ¶{first.paragraph}" if first.paragraph else "")
        links.append(_a(link(page.url, first.anchor, base.url), label))
    index = backlinks.registry.special_page("terms")
    if len(pages) > MENTIONED_IN_LIMIT:
        more = f"{len(pages) - MENTIONED_IN_LIMIT} more pages"
        term = backlinks.registry.terms.get(term_id)
        anchor = f"terms-{letter(term).lower()}" if term and letter(term) != "#" else "terms-other"
        links.append(_a(link(index.url, anchor, base.url), f"{more} in the index of terms") if index else more)
    body = ", ".join(links) if links else "not yet mentioned in the chapters"
    return f'<p class="xref-mentioned-in"><strong>Mentioned in:</strong> {body}</p>'


def terms_letter_html(wanted: str, backlinks: Backlinks, base: PageInfo) -> str:
    registry = backlinks.registry
    glossary = registry.special_page("glossary")
    prefixes: dict[str, str] = {}
    items = []
    for term in backlinks.terms_by_letter().get(wanted, []):
        name = _a(link(glossary.url, term.id, base.url), term.term, "xref xref-term") if glossary else esc(term.term)
        groups = []
        for page, mentions in backlinks.by_term.get(term.id, []):
            # One link per mention, the first one named after its page: "Chapter 3: Section, ¶4". The index
            # links every mention of every term (tens of thousands on a large handbook): hrefs are escaped in
            # two parts, the page's once (escaping is per character: the result is the same).
            prefix = prefixes.get(page.src)
            if prefix is None:
                prefix = prefixes[page.src] = esc(page_prefix(page.url, base.url))
            links = []
            for number, mention in enumerate(mentions, 1):
                label = f"¶{mention.paragraph}" if mention.paragraph else (mention.section or str(number))
                if number == 1:
                    label = f"{backlinks.labels[page.src]}: {label}"
                links.append(f'<a href="{prefix}#{esc(mention.anchor)}">{esc(label)}</a>')
            groups.append(f"<li>{', '.join(links)}</li>")
        where = f"<ul>{''.join(groups)}</ul>" if groups else '<p class="xref-none">not yet mentioned</p>'
        items.append(f'<li class="xref-index-term">{name} <span class="xref-short">{esc(term.short)}</span>{where}</li>')
    return f'<ul class="xref-index">{"".join(items)}</ul>'


def sources_html(backlinks: Backlinks, base: PageInfo) -> str:
    items = []
    for source in sorted(backlinks.registry.sources.values(), key=lambda s: (s.label.casefold(), s.date, s.id)):
        who = esc(source.publisher) + (f" ({esc(source.author)})" if source.author else "")
        url = f' <a class="xref-source-url" href="{esc(source.url)}">{esc(source.url)}</a>' if source.url else ""
        note = f' <span class="xref-source-note">{esc(source.note)}</span>' if source.note else ""
        cited = []
        for page, ref in backlinks.citations.get(source.id, []):
            label = page.label + (f": {ref.section}" if page.kind == "glossary" and ref.section else "")
            cited.append(_a(link(page.url, ref.anchor, base.url), label))
        cited_html = ", ".join(cited) if cited else "not cited yet"
        items.append(f'<li id="{esc(source.id)}" class="xref-source"><span class="xref-source-label">'
                     f'{esc(source.label)}</span>: {who}, <cite>{esc(source.title)}</cite>, '
                     f'{esc(source.date or "undated")}.{url}{note}<br>'
                     f'<span class="xref-cited-in"><strong>Cited in:</strong> {cited_html}</span></li>')
    return f'<ul class="xref-sources">{"".join(items)}</ul>'


def concordance_html(number: int, backlinks: Backlinks, base: PageInfo) -> str:
    registry = backlinks.registry
    links, seen = [], set()
    for quote in registry.quotes.get(number, [])[:1]:
        page = registry.pages[quote.page]
        links.append(_a(link(page.url, f"para-{number}", base.url), f"quoted in {page.label}"))
        seen.add(page.src)
    for page, ref in backlinks.paragraph_refs.get(str(number), []):
        if page.src not in seen:
            links.append(_a(link(page.url, ref.anchor, base.url), f"discussed in {page.label}"))
            seen.add(page.src)
    return "; ".join(links) if links else "not yet quoted in the handbook"


def page_edges(registry: Registry) -> Counter:
    """(from src, to src) -> number of explicit references from one page to another."""
    edges: Counter = Counter()
    for page in registry.pages.values():
        for ref in page.references:
            if ref.kind not in ("ch", "sec", "fig", "p"):
                continue
            target = registry.resolve(ref, page)
            if not isinstance(target, str) and target.page is not None and target.page.src != page.src:
                edges[(page.src, target.page.src)] += 1
    return edges


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
        if src == page.src or chapter is None or registry.pages[src].kind != "page":
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
        related.append(f"<li>{_a(link(other.url, '', page.url), f'{other.label}: {other.title}')} "
                       f'<span class="xref-why">({"; ".join(why)})</span></li>')
    referrers = sorted((registry.pages[src] for src in backlinks.referrers.get(page.src, ())),
                       key=lambda p: (chapters[p.src] is None, chapters[p.src] or 0, labels[p.src]))
    parts = []
    if related:
        parts.append(f'<p class="xref-related-title">Related chapters</p><ul>{"".join(related)}</ul>')
    if referrers:
        items = "".join(f"<li>{_a(link(p.url, '', page.url), labels[p.src] if chapters[p.src] is None else f'{labels[p.src]}: {p.title}')}</li>"
                        for p in referrers)
        parts.append(f'<p class="xref-related-title">Referenced from</p><ul>{items}</ul>')
    if not parts:
        return ""
    return f'<aside class="xref-related" aria-label="Related reading">{"".join(parts)}</aside>'
