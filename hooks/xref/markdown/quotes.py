"""The HTML of the essay's text inside the handbook: the quotation that replaces `::: essay N`, and the list of
editorial repairs for readers (`<!-- xref:corrections -->`)."""
from __future__ import annotations

import html

from ..load.essay import Essay, reading_html, repairs


def quote_html(essay: Essay, number: int, *, handbook: str, page_url: str) -> str:
    """The <blockquote> that replaces `::: essay N`."""
    paragraph = essay.paragraphs[number]
    esc = html.escape
    heading = f'<p class="essay-heading">{esc(paragraph.heading)}</p>\n' if paragraph.heading else ""
    citation = essay.citation(number, handbook, page_url)
    return (
        f'<blockquote class="essay-para" id="para-{number}" cite="{esc(essay.url)}">\n{heading}'
        f'<p class="essay-para-text"><a class="essay-para-num" href="#para-{number}" '
        f'title="Permanent link to ¶{number}">¶{number}</a> {reading_html(paragraph.text)}</p>\n'
        f'<details class="essay-cite"><summary>Cite this paragraph</summary>'
        f'<p><code class="essay-citation">{esc(citation)}</code></p></details>\n</blockquote>'
    )



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
