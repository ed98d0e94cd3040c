"""The HTML of the essay's text inside the handbook: the quotation that replaces `::: essay N` with its notes
and its panel, the notes' marks and list, and the list of editorial repairs (`<!-- xref:corrections -->`)."""
from __future__ import annotations

import html

import markdown as python_markdown

from ..load.essay import REPAIR_HTML, Essay, missing_spaces, repairs
from ..load.notes import KINDS, STATUSES, Note
from .cite import cite_html

PANEL = '<div class="xref-slot" data-slot="panel:{number}"></div>'   # filled by the final pass


def quote_html(essay: Essay, number: int, *, handbook: str, page_url: str, notes: list[Note] = ()) -> str:
    """The <blockquote> that replaces `::: essay N`, with the paragraph's notes beside it and its panel."""
    paragraph = essay.paragraphs[number]
    esc = html.escape
    heading = f'<p class="essay-heading">{esc(paragraph.heading)}</p>\n' if paragraph.heading else ""
    quote = (
        f'<blockquote class="essay-para" id="para-{number}" cite="{esc(essay.url)}">\n{heading}'
        f'<p class="essay-para-text"><a class="essay-para-num" href="#para-{number}" '
        f'title="Permanent link to ¶{number}">¶{number}</a> {marked_html(paragraph.text, notes)}</p>\n'
        f'{cite_html(essay, number, handbook, page_url)}\n</blockquote>'
    )
    block = "has-notes" if notes else "no-notes"
    return (f'<div class="essay-block {block}">\n{quote}\n{notes_html(notes, number)}'
            f'{PANEL.format(number=number)}\n</div>')


def marked_html(text: str, notes: list[Note] = (), prefix: str = "") -> str:
    """A paragraph as published, escaped, each repaired space visible as <ins> and each note's lemma a link to
    its note (`prefix` tells the ids of one page's copy from another's)."""
    events = [(offset, 1, REPAIR_HTML) for offset in missing_spaces(text)]
    for note in notes:
        events.append((note.start, 2, f'<a class="lemma" id="{prefix}lemma-{note.paragraph}-{note.number}" '
                                      f'href="#{prefix}{note.id}" aria-describedby="{prefix}{note.id}">'))
        events.append((note.end, 0, f'<sup class="lemma-mark">{note.paragraph}.{note.number}</sup></a>'))
    out, last = [], 0
    for offset, _, markup in sorted(events, key=lambda e: (e[0], e[1])):
        out += [html.escape(text[last:offset], quote=False), markup]
        last = offset
    return "".join(out) + html.escape(text[last:], quote=False)


def notes_html(notes: list[Note], number: int, prefix: str = "") -> str:
    """The notes of ¶number, beside it on wide screens and opening from their lemma on narrow ones."""
    if not notes:
        return ""
    items = "".join(_note_html(note, prefix) for note in notes)
    return (f'<aside class="essay-notes" aria-label="Notes on ¶{number}">'
            f'<ol class="essay-notes-list">{items}</ol></aside>\n')


def _note_html(note: Note, prefix: str) -> str:
    esc = html.escape
    kind = f'<span class="note-kind">{KINDS[note.kind]}</span>'
    chinese = ""
    if note.kind == "translation":
        status = STATUSES[note.status] + (f", [[src:{note.source}]]" if note.status == "attested" else "")
        chinese = (f' <span class="note-chinese">Chinese: <span lang="zh">{esc(note.chinese)}</span> '
                   f'<span class="note-status note-{note.status}">({status})</span></span>')
    body = python_markdown.markdown(note.note)
    tag = "div" if body.count("<p>") > 1 else "span"     # one paragraph stays inline beside the lemma
    body = body if tag == "div" else body.removeprefix("<p>").removesuffix("</p>")
    return (f'<li class="essay-note note-{note.kind}" id="{prefix}{note.id}">'
            f'<a class="note-number" href="#{prefix}lemma-{note.paragraph}-{note.number}" '
            f'title="Back to the lemma">{note.paragraph}.{note.number}</a> '
            f'<span class="note-lemma">{esc(note.lemma)}</span>] {kind}{chinese} '
            f'<{tag} class="note-text">{body}</{tag}></li>')



def corrections_html(essay: Essay) -> str:
    """The editorial repairs, listed for readers (About page)."""
    esc = html.escape
    items = []
    for correction in essay.corrections:
        kind = str(correction.get("kind", ""))
        note = esc(str(correction.get("note", "")).strip())
        if kind == "missing-space":
            found = repairs(essay)
            rows = "".join(f"<li>¶{n}: <del>{esc(a)}</del> → <ins>{esc(b)}</ins></li>" for n, a, b in found)
            items.append(f'<li class="ed-correction ed-missing-space"><strong>Missing spaces ({len(found)})</strong>: '
                         f'{note}<ul class="ed-repair-list">{rows}</ul></li>')
        else:
            title = {"heading-split": "Heading split off", "heading": "Headings",
                     "boilerplate": "Web-page boilerplate excluded"}.get(kind, kind)
            items.append(f'<li class="ed-correction ed-{esc(kind)}"><strong>{esc(title)}</strong>: {note}</li>')
    return f'<ul class="ed-corrections">\n' + "\n".join(items) + "\n</ul>"
