"""Stage 6, generated pages, after every page is known: the lists that fill the slots of the generated pages
(mentions of a term, the index of terms, the sources, the essay's concordance)."""
from __future__ import annotations

import re

from ..core.model import PageInfo
from ..core.urls import escape as esc
from ..core.urls import link, page_prefix
from .backlinks import Backlinks
from .pages import letter, source_letter


def a_html(href: str, text: str, cls: str = "") -> str:
    cls = f' class="{cls}"' if cls else ""
    return f'<a{cls} href="{esc(href)}">{esc(text)}</a>'


MENTIONED_IN_LIMIT = 12  # beyond this, the glossary points to the index of terms (keeps the page small)


def mentioned_in_html(term_id: str, backlinks: Backlinks, base: PageInfo) -> str:
    links = []
    pages = backlinks.by_term.get(term_id, [])
    for page, mentions in pages[:MENTIONED_IN_LIMIT]:
        first = mentions[0]
        label = page.label + (f" ¶{first.paragraph}" if first.paragraph else "")
        links.append(a_html(link(page.url, first.anchor, base.url), label))
    index = backlinks.registry.special_page("terms")
    if len(pages) > MENTIONED_IN_LIMIT:
        more = f"{len(pages) - MENTIONED_IN_LIMIT} more pages"
        term = backlinks.registry.terms.get(term_id)
        anchor = f"terms-{letter(term).lower()}" if term and letter(term) != "#" else "terms-other"
        links.append(a_html(link(index.url, anchor, base.url), f"{more} in the index of terms") if index else more)
    body = ", ".join(links) if links else "not yet mentioned in the chapters"
    return f'<p class="xref-mentioned-in"><strong>Mentioned in:</strong> {body}</p>'


def terms_letter_html(wanted: str, backlinks: Backlinks, base: PageInfo) -> str:
    registry = backlinks.registry
    glossary = registry.special_page("glossary")
    prefixes: dict[str, str] = {}
    items = []
    for term in backlinks.terms_by_letter().get(wanted, []):
        name = a_html(link(glossary.url, term.id, base.url), term.term, "xref xref-term") if glossary else esc(term.term)
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


def sources_html(wanted: str, backlinks: Backlinks, base: PageInfo) -> str:
    """The sources whose label starts with `wanted`, each with the places that cite it."""
    items = []
    sources = [s for s in backlinks.registry.sources.values() if source_letter(s) == wanted]
    for source in sorted(sources, key=lambda s: (s.label.casefold(), s.date, s.id)):
        who = esc(source.publisher) + (f" ({esc(source.author)})" if source.author else "")
        url = f' <a class="xref-source-url" href="{esc(source.url)}">{esc(source.url)}</a>' if source.url else ""
        note = f' <span class="xref-source-note">{esc(source.note)}</span>' if source.note else ""
        cited_html = ", ".join(_cited_in(backlinks.citations.get(source.id, []), base)) or "not cited yet"
        items.append(f'<li id="{esc(source.id)}" class="xref-source"><span class="xref-source-label">'
                     f'{esc(source.label)}</span>: {who}, <cite>{esc(source.title)}</cite>, '
                     f'{esc(source.date or "undated")}.{url}{note}<br>'
                     f'<span class="xref-cited-in"><strong>Cited in:</strong> {cited_html}</span></li>')
    return f'<ul class="xref-sources">{"".join(items)}</ul>'


def _cited_in(citations: list, base: PageInfo) -> list[str]:
    """One link per citing place (a page, or a glossary entry), to its first citation, with the count when it
    cites the source more than once: "Chapter 2 (3 times)"."""
    places: dict[str, list] = {}
    for page, ref in citations:
        label = page.label + (f": {ref.section}" if page.kind == "glossary" and ref.section else "")
        places.setdefault(label, [page, ref, 0])[2] += 1
    return [a_html(link(page.url, ref.anchor, base.url), label + (f" ({count} times)" if count > 1 else ""))
            for label, (page, ref, count) in places.items()]


def concordance_html(number: int, backlinks: Backlinks, base: PageInfo) -> str:
    registry = backlinks.registry
    links, seen = [], set()
    for quote in registry.quotes.get(number, [])[:1]:
        page = registry.pages[quote.page]
        links.append(a_html(link(page.url, f"para-{number}", base.url), f"quoted in {page.label}"))
        seen.add(page.src)
    for page, ref in backlinks.paragraph_refs.get(str(number), []):
        if page.src not in seen:
            links.append(a_html(link(page.url, ref.anchor, base.url), f"discussed in {page.label}"))
            seen.add(page.src)
    return "; ".join(links) if links else "not yet quoted in the handbook"


PARAGRAPHS_RE = re.compile(r"¶(\d+)(?:\s*(?:to|–|-)\s*¶(\d+))?")


def figures_about(number: int, registry) -> list:
    """The figures whose caption names ¶number, alone or in a range ("¶9 to ¶11")."""
    found = []
    for figures in registry.figures.values():
        figure = figures[0]
        for match in PARAGRAPHS_RE.finditer(figure.caption):
            first, last = int(match[1]), int(match[2] or match[1])
            if first <= number <= last:
                found.append(figure)
                break
    return found


def panel_html(number: int, backlinks: Backlinks, base: PageInfo) -> str:
    """Under a quoted paragraph (and under it on the essay's page): every place that discusses it, its notes and
    the glossary terms it names; a summary when closed. Empty when there is nothing to show."""
    registry = backlinks.registry
    places = backlinks.places.get(str(number), [])
    notes = registry.notes.get(number, [])
    terms = [registry.terms[t] for t in registry.paragraph_terms.get(number, []) if t in registry.terms]
    quoted = [registry.pages[q.page] for q in registry.quotes.get(number, [])[:1] if base.kind == "essay"]
    figures = figures_about(number, registry)
    if not (places or notes or terms or quoted or figures):
        return ""
    parts, counts = [], []
    if quoted or places:
        items = [f"<li>{a_html(link(page.url, f'para-{number}', base.url), f'Quoted in {page.label}')}</li>"
                 for page in quoted]
        for page, ref in places:
            where = page.label + (f": {ref.section}" if ref.section else "")
            context = f' <span class="panel-context">{esc(ref.context)}</span>' if ref.context else ""
            items.append(f"<li>{a_html(link(page.url, ref.anchor, base.url), where)}{context}</li>")
        parts.append(f'<p class="panel-title">Discussed in</p><ul class="panel-places">{"".join(items)}</ul>')
        counts.append(f"discussed in {_count(len(places), 'place')}" if places else "quoted")
    if notes:
        prefix = "published-" if base.kind == "essay" else ""
        items = "".join(f'<li><a href="#{prefix}{n.id}">{n.paragraph}.{n.number}</a> {esc(n.lemma)}</li>'
                        for n in notes)
        parts.append(f'<p class="panel-title">Notes</p><ul class="panel-notes">{items}</ul>')
        counts.append(_count(len(notes), "note"))
    if figures:
        items = ", ".join(a_html(link(registry.pages[f.page].url, f"fig-{f.id}", base.url), f"Figure {f.number}")
                          for f in figures)
        parts.append(f'<p class="panel-title">Figures</p><p class="panel-figures">{items}</p>')
        counts.append(_count(len(figures), "figure"))
    glossary = registry.special_page("glossary")
    if terms and glossary is not None:
        items = ", ".join(a_html(link(glossary.url, t.id, base.url), t.term, "panel-term") for t in terms)
        parts.append(f'<p class="panel-title">Terms</p><p class="panel-terms">{items}</p>')
        counts.append(_count(len(terms), "glossary term"))
    return (f'<details class="essay-panel" id="{"published-" if base.kind == "essay" else ""}panel-{number}">'
            f'<summary>¶{number} in the handbook: {" · ".join(counts)}</summary>{"".join(parts)}'
            f'<p class="panel-print">{_print_line(number, places, notes, base)}</p></details>')


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _print_line(number: int, places: list, notes: list, base: PageInfo) -> str:
    """The panel in one line, for print: "Discussed in Chapter 2, Chapter 5 · notes 4.1–4.3", the notes linked to
    the first of them (the PDF adds the page each link leads to, where it is another page)."""
    first: dict[str, tuple] = {}
    for page, ref in places:
        first.setdefault(page.src, (page, ref))
    links = [a_html(link(page.url, ref.anchor, base.url), page.label) for page, ref in first.values()]
    line = [f"Discussed in {', '.join(links)}"] if links else []
    if notes:
        span = f"{number}.1" if len(notes) == 1 else f"{number}.1–{number}.{len(notes)}"
        prefix = "published-" if base.kind == "essay" else ""
        line.append(f'<a href="#{prefix}{notes[0].id}">notes {span}</a>')
    return " · ".join(line)
