"""Stage 2, per page: the Markdown step. Registers the page, and replaces `::: essay N` by the quotation,
```d2 fences by a figure slot, and `<!-- xref:NAME -->` markers by a generated page's Markdown."""
from __future__ import annotations

import html

from ..core.model import Figure, PageInfo, Quote
from ..core.problems import Problem, ProblemLog, did_you_mean, locate, nearest_number, paragraph_number
from ..generated import pages as generated
from ..load.data import Data, Settings
from ..registry.registry import Registry
from . import diagrams
from .quotes import corrections_html, quote_html
from .transform import Handlers, transform

GENERATED = {"glossary", "sources", "terms", "essay"}
KNOWN = GENERATED | {"corrections"}     # every marker name


class MarkdownStep:
    """The Markdown step of every page of one build; what it finds goes into the registry, its problems into
    the log, and each figure's HTML into figure_html (for the final pass)."""

    def __init__(self, data: Data, settings: Settings, registry: Registry, log: ProblemLog) -> None:
        self.data, self.settings, self.registry, self.log = data, settings, registry, log
        self.figure_html: dict[str, str] = {}

    def page(self, page: PageInfo, markdown: str) -> str:
        self.registry.pages[page.src] = page
        figures = iter(range(1, 10_000))
        handlers = Handlers(
            essay=lambda number, line: self.quote(page, number, line),
            diagram=lambda info, body, line: self.diagram(page, info, body, line, next(figures)),
            marker=lambda name, line: self.marker(page, name, line),
            malformed=lambda kind, text, line: self.malformed(page, kind, text, line),
        )
        return transform(markdown, handlers)

    def quote(self, page: PageInfo, number_text: str, line: int) -> str:
        essay = self.data.essay
        number = paragraph_number(number_text)
        line += page.offset
        if number not in essay.paragraphs:
            last = max(essay.paragraphs, default=0)
            lines = page.raw.split("\n")
            column = (locate(lines[line - 1] if 0 < line <= len(lines) else "", number_text) or (1, 1))[1]
            self.log.add(Problem(page.file, line, column, f"no paragraph ¶{number_text} in the essay (it has ¶1 to "
                                 f"¶{last})", text=f"::: essay {number_text}",
                                 hint=nearest_number(number_text, essay.paragraphs, "Did you mean '::: essay {}'?")))
            return f'<p class="xref-broken">::: essay {html.escape(number_text)}</p>'
        self.registry.quotes.setdefault(number, []).append(Quote(number, page.src, line))
        site_url = self.settings.site_url
        page_url = site_url.rstrip("/") + "/" + page.url if site_url else page.url
        return quote_html(essay, number, handbook=self.settings.site_name, page_url=page_url,
                          notes=self.data.notes.get(number, []))

    def diagram(self, page: PageInfo, info: str, body: str, line: int, count: int) -> str:
        line += page.offset
        try:
            header = diagrams.parse_fence_header(info)
        except diagrams.DiagramError as error:  # a bad fence header is a reported problem, not a traceback
            self.log.add(Problem(page.file, line, 1, error.args[0] if error.args else str(error),
                                 text=f"```d2 {info}"))
            return ""
        fig_id = str(header.get("id") or "")
        if not fig_id:
            self.log.add(Problem(page.file, line, 1, "a d2 diagram needs an id", text=f"```d2 {info}",
                                 hint='Write ```d2 id="my-figure" caption="…" alt="…".'))
            return ""
        number = f"{page.chapter}.{count}" if page.chapter is not None else str(count)
        caption = str(header.get("caption") or "")
        self.registry.figures.setdefault(fig_id, []).append(Figure(fig_id, number, caption, page.src, line))
        try:
            figure = diagrams.render_figure(body, fig_id=fig_id, number=number, caption=caption,
                                            alt=str(header.get("alt") or ""),
                                            cache_dir=self.settings.root / self.settings.paths["cache"])
        except diagrams.DiagramError as error:
            inner = getattr(error, "line", None) or 0
            message = error.args[0] if error.args else str(error)
            self.log.add(Problem(page.file, line + inner, 1, f"diagram {fig_id!r}: {message}"))
            return ""
        self.figure_html[fig_id] = figure
        return generated.slot(f"figure:{fig_id}")

    def malformed(self, page: PageInfo, kind: str, text: str, line: int) -> None:
        if kind == "quotation":
            hint = "Write '::: essay N' on a line of its own, N a paragraph number in ASCII digits."
        else:
            hint = f"Write '<!-- xref:NAME -->' on a line of its own, NAME one of {', '.join(sorted(KNOWN))}."
        column = len(text) - len(text.lstrip()) + 1
        self.log.add(Problem(page.file, line + page.offset, column, f"malformed {kind} line (it would be published "
                             "as it stands)", text=text.strip(), hint=hint))

    def marker(self, page: PageInfo, name: str, line: int) -> str | None:
        if name in GENERATED:
            self.registry.special[name] = page.src
            page.kind = name
        if name == "glossary":
            return generated.glossary_markdown(self.data.terms, set(self.data.sources))
        if name == "terms":
            return generated.terms_markdown(self.data.terms)
        if name == "essay":
            return generated.essay_markdown(self.data.essay, self.data.notes)
        if name == "sources":
            return generated.sources_markdown(self.data.sources)
        if name == "corrections":
            return corrections_html(self.data.essay)
        known = sorted(KNOWN)
        self.log.add(Problem(page.file, line + page.offset, 1, f"unknown marker xref:{name}",
                             hint=did_you_mean(name, known, "Did you mean <!-- xref:{} -->?")))
        return None

