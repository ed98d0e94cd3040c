"""Stage 6, generated pages, before the pages are processed: the Markdown of the glossary, index-of-terms and
essay pages, with slots (<div class="xref-slot">) that the final pass fills in once every page is known
(generated/lists.py)."""
from __future__ import annotations

import unicodedata

from ..core.model import Source, Term
from ..core.urls import escape as esc
from ..load.essay import Essay
from ..load.notes import Note
from ..markdown.quotes import marked_html, notes_html


def slot(name: str, tag: str = "div") -> str:
    return f'<{tag} class="xref-slot" data-slot="{esc(name)}"></{tag}>'


def sorted_terms(terms: dict[str, Term]) -> list[Term]:
    return sorted(terms.values(), key=lambda t: (t.term.casefold(), t.id))


def letter(term: Term) -> str:
    first = next((c for c in term.term if c.isalnum()), "#").upper()
    return first if "A" <= first <= "Z" else "#"


def source_letter(source: Source) -> str:
    """The sources page's heading a source is listed under: the first letter of its label ("China Daily 2015")."""
    first = next((c for c in source.label if c.isalnum()), "#").upper()
    return first if "A" <= first <= "Z" else "#"


def sources_markdown(sources: dict[str, Source]) -> str:
    """The sources page body: one h2 per letter (Material builds the page's table of contents from headings),
    each with a slot that the final pass fills with that letter's sources and where they are cited."""
    letters = sorted({source_letter(s) for s in sources.values()})
    return "\n\n".join(f"## {l} {{#sources-{'other' if l == '#' else l.lower()}}}\n\n{slot('sources:' + l)}"
                       for l in letters)


def toneless(pinyin: str) -> str:
    """Pinyin without tone marks, as a reader types it: "jīnróng" -> "jinrong"."""
    decomposed = unicodedata.normalize("NFD", pinyin.replace("ü", "v").replace("Ü", "V"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def glossary_markdown(terms: dict[str, Term], sources: set[str]) -> str:
    """The glossary page body; unknown related/sources ids are left out (the glossary check reports them)."""
    blocks = []
    for term in sorted_terms(terms):
        parts = [f"## {term.term} {{#{term.id}}}"]
        if term.chinese or term.pinyin:
            chinese = f'<span lang="zh">{esc(term.chinese)}</span>' if term.chinese else ""
            pinyin = f' <span class="xref-pinyin" lang="zh-Latn-pinyin">{esc(term.pinyin)}</span>' if term.pinyin else ""
            plain = toneless(term.pinyin)
            if plain != term.pinyin:   # for search only ("jinrong" finds 金融): hidden from view and screen readers
                pinyin += f' <span class="xref-pinyin-plain" hidden>{esc(plain)}</span>'

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


def essay_markdown(essay: Essay, notes: dict[int, list[Note]] | None = None) -> str:
    """The essay as published, in order, each paragraph with its notes (the same lemmas marked) and its panel."""
    blocks = [f"## {essay.title} {{#published-title}}"]
    for number, paragraph in essay.paragraphs.items():
        mine = (notes or {}).get(number, [])
        if paragraph.heading:
            blocks.append(f"### {paragraph.heading} {{#published-heading-{number}}}")
        blocks.append(
            f'<div class="published-para essay-block {"has-notes" if mine else "no-notes"}" id="published-{number}">'
            f'<p><a class="essay-para-num" href="#published-{number}" title="Permanent link to ¶{number}">¶{number}'
            f'</a> {marked_html(paragraph.text, mine, "published-")}</p><p class="xref-concordance">'
            f'{slot(f"concordance:{number}", "span")}</p>{notes_html(mine, number, "published-")}'
            f'{slot(f"panel:{number}")}</div>')
    return "\n\n".join(blocks)
