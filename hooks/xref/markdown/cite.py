""""Cite this paragraph": the block under each quoted paragraph of the essay, made at build time from the essay's
data (title, URL, date published) with the handbook as container. The essay's author is not stated, so no
citation names one. Each form is plain text to select; docs/assets/previews.js adds its copy button (content may
hold no <button>, and without script a button could not copy)."""
from __future__ import annotations

import html
import json
from datetime import date

from ..load.essay import Essay

BIBTEX_SPECIAL = str.maketrans({c: "\\" + c for c in "&%$#_{}"})


def cite_html(essay: Essay, number: int, handbook: str, page_url: str) -> str:
    """The <details> with the citation as a line, formatted, in BibTeX and in CSL-JSON, each with its copy button."""
    esc = html.escape
    forms = [("Plain", f'<code class="essay-citation">{esc(essay.citation(number, handbook, page_url))}</code>'),
             ("Formatted", f'<span class="essay-cite-text">{formatted(essay, number, handbook, page_url)}</span>'),
             ("BibTeX", f'<pre class="essay-cite-bibtex"><code>{esc(bibtex(essay, number, handbook, page_url))}'
                        f'</code></pre>'),
             ("CSL-JSON", f'<pre class="essay-cite-csl"><code>{esc(csl_json(essay, number, handbook, page_url))}'
                          f'</code></pre>')]
    rows = "".join(f'<div class="essay-cite-form"><p class="essay-cite-label">{label}</p>{body}</div>'
                   for label, body in forms)
    return (f'<details class="essay-cite"><summary>Cite this paragraph</summary>'
            f'<div class="essay-cite-forms">{rows}</div></details>')


def paragraph_url(page_url: str, number: int) -> str:
    return f"{page_url}#para-{number}"


def long_date(iso: str) -> str:
    """2023-08-06 as "6 August 2023"; anything else as it stands."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B')} {day.year}"


def formatted(essay: Essay, number: int, handbook: str, page_url: str) -> str:
    """Title first (no author is stated), then where and when it was published, then the handbook, as HTML."""
    esc = html.escape
    published = ", ".join(p for p in (essay.site, long_date(essay.published)) if p)
    original = f" {esc(essay.url)}." if essay.url else ""
    return (f"“{esc(essay.title)}”, ¶{number}. {esc(published)}.{original} "
            f"In <cite>{esc(handbook)}</cite>, {esc(paragraph_url(page_url, number))}.")


def cite_key(essay: Essay, number: int) -> str:
    word = "".join(c for c in essay.title.split(" ")[0].lower() if c.isalnum()) or "essay"
    return f"{word}{essay.published[:4]}-para{number}"


def bibtex(essay: Essay, number: int, handbook: str, page_url: str) -> str:
    """A biblatex @online entry: the paragraph in the handbook, with the original's URL and date in its note."""
    fields = [("title", essay.title.translate(BIBTEX_SPECIAL)), ("titleaddon", f"¶{number}"),
              ("date", essay.published), ("organization", essay.site.translate(BIBTEX_SPECIAL)),
              ("booktitle", handbook.translate(BIBTEX_SPECIAL)), ("url", paragraph_url(page_url, number)),
              ("note", f"First published at \\url{{{essay.url}}}" if essay.url else "")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@online{{{cite_key(essay, number)},\n{body}\n}}"


def csl_json(essay: Essay, number: int, handbook: str, page_url: str) -> str:
    """One CSL-JSON item (a list, as citation managers import it), without an author."""
    item = {"id": cite_key(essay, number), "type": "webpage", "title": f"{essay.title}, ¶{number}",
            "container-title": handbook, "publisher": essay.site, "URL": paragraph_url(page_url, number)}
    if essay.url:
        item["note"] = f"First published at {essay.url}"
    try:
        day = date.fromisoformat(essay.published)
        item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    except ValueError:
        pass
    return json.dumps([item], ensure_ascii=False, indent=2)
