"""How the engine's links read in the final HTML: a [[kind:id]] reference (or its text alone, for the search
index) and the opening tag of a glossary autolink. Change how ¶, chapter or term references render here."""
from __future__ import annotations

import html

from ..core.model import Reference, Term
from ..core.urls import escape
from ..registry.resolve import Resolution, Target


def reference_html(ref: Reference, resolution: Resolution, href: str) -> str:
    """The link that replaces a reference; a visibly broken token where it leads nowhere."""
    if not isinstance(resolution, Target):
        return f'<span class="xref-broken">{html.escape(ref.token)}</span>'
    esc = escape
    attrs = [f'class="xref xref-{ref.kind}"', f'data-xref="{esc(ref.kind)}:{esc(ref.target)}"', f'href="{esc(href)}"']
    if resolution.title:
        attrs.append(f'title="{esc(resolution.title)}"')
    if ref.anchor:
        attrs.append(f'id="{esc(ref.anchor)}"')
    link = f"<a {' '.join(attrs)}>{esc(ref.text or resolution.text)}</a>"
    if ref.kind == "q":     # the essay's own words: set as a quotation (the browser adds the marks)
        return f'<q class="essay-words">{link}</q>'
    return link


def reference_text(ref: Reference, resolution: Resolution) -> str:
    """What the link of a reference reads, as HTML text."""
    if not isinstance(resolution, Target):
        return html.escape(ref.token)
    return escape(ref.text or resolution.text)


def term_link_open(term: Term, anchor: str, href: str) -> str:
    """The opening <a> tag of an autolink (its text and closing tag stay where they are)."""
    return (f'<a class="xref xref-term xref-auto" data-xref="term:{term.id}" href="{escape(href)}" '
            f'title="{escape(term.short)}" id="{anchor}">')
