"""The engine's state for one build: settings, the loaded data, every page's findings, and the final pass.

The MkDocs adapter calls, in build order: Engine.load (on_config), start_workers (on_files), page_markdown
(on_page_markdown), page_html (on_page_content), finish (on_env: all problems, raised together), final_html
(on_page_context), close (at the end).
With a worker process (workers.py), the worker runs this class's per-page methods on its copy of the engine,
forked at start_workers: _source_problems and _scan_and_keep while MkDocs renders, then, from on_env,
_finalize_in_order from a snapshot of what this process found (_snapshot). This process keeps only what its
checks need.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import render
from .bibliography import load_bibliography
from .essay import Essay, corrections_html, load_edition, parse_essay, quote_html
from .glossary import load_glossary
from .htmlpass import PageScan, TermIndex, scan_html
from .markdown_pass import Handlers, transform
from .model import Figure, PageInfo, Problem, Quote
from .page_checks import data_file_problems, source_problems
from .problems import ProblemLog, did_you_mean, locate, nearest_number
from .references import Registry, check_references, link_html
from .urls import escape, link

DEFAULTS = {"essay": "essay/source.txt", "edition": "essay/edition.yml", "glossary": "data/glossary.yml",
            "bibliography": "data/bibliography.yml", "essay_url": "", "cache": ".cache/diagrams"}
GENERATED = {"glossary", "sources", "terms", "essay"}
# The autolink placeholders htmlpass writes: an opening tag (term id, anchor) and a closing tag around the text.
TERM_OPEN_RE = re.compile(r'<xref-term data-term="([^"]+)" id="([^"]+)">')
TERM_CLOSE = "</xref-term>"
BACKLINK_SLOTS = ("mentioned-in:", "concordance:")   # lists of links to other pages: not for the search index
REF_RE = re.compile(r'<xref-ref data-n="(\d+)"></xref-ref>')
SLOT_RE = re.compile(r'<(div|span) class="xref-slot" data-slot="([^"]+)"></\1>')


@dataclass
class Settings:
    root: Path                 # folder of mkdocs.yml: data paths are relative to it
    docs_dir: Path
    site_name: str = ""
    site_url: str = ""
    paths: dict = field(default_factory=lambda: dict(DEFAULTS))

    def path(self, key: str) -> Path:
        return (self.root / self.paths[key]).resolve()

    def label(self, key: str) -> str:
        return self.paths[key]


FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n\n*", re.S)


def _body_offset(raw: str, markdown: str) -> int:
    """Lines before the Markdown body in the source file (MkDocs strips the front matter)."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    match = FRONT_MATTER_RE.match(raw)
    return match.group().count("\n") if match else 0


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.log = ProblemLog()
        edition, problems = load_edition(settings.path("edition"), settings.label("edition"))
        self.log.extend(problems)
        self.essay: Essay
        self.essay, problems = parse_essay(settings.path("essay"), edition, settings.label("essay"),
                                           settings.label("edition"))
        if settings.paths.get("essay_url"):
            self.essay.url = settings.paths["essay_url"]
        self.log.extend(problems)
        self.sources, problems = load_bibliography(settings.path("bibliography"), settings.label("bibliography"))
        self.log.extend(problems)
        self.terms, problems = load_glossary(settings.path("glossary"), settings.label("glossary"), self.sources)
        self.log.extend(problems)
        for key in ("glossary", "bibliography"):  # their Markdown reaches readers too
            self.log.extend(data_file_problems(settings.path(key), settings.label(key)))
        self.index = TermIndex(self.terms)
        self.registry = Registry(self.terms, self.sources, set(self.essay.paragraphs))
        self.figure_html: dict[str, str] = {}
        self.documents: set[str] = set()  # every Markdown page of the build, by source path (set from on_files)
        self.backlinks: render.Backlinks | None = None
        self._docs_label: str | None = None        # docs_dir as problems name it (_file_label)
        self.worker = None                          # a workers.Worker doing the per-page work, if any
        self.unscanned: dict[str, str] = {}         # with a worker: each page's HTML as it was sent to be scanned
        self.scans: dict[str, PageScan] = {}        # in the worker: each page's scan, for the final pass
        self.scanned_html: dict[str, str] = {}      # pages scanned elsewhere or earlier, until finalize takes them

    @classmethod
    def load(cls, config_file: str, docs_dir: str, options: dict | None, site_name: str = "",
             site_url: str = "") -> Engine:
        paths = dict(DEFAULTS)
        paths.update({k: str(v) for k, v in (options or {}).items() if k in DEFAULTS and v})
        root = Path(config_file).resolve().parent
        return cls(Settings(root, Path(docs_dir).resolve(), site_name or "", site_url or "", paths))

    # --- on_page_markdown -----------------------------------------------------------------------------------

    def page_markdown(self, src: str, url: str, raw: str, markdown: str, meta: dict) -> str:
        file = self._file_label(src)
        offset = _body_offset(raw, markdown)
        page = PageInfo(src=src, url=url, file=file, raw=raw, offset=offset, meta=dict(meta or {}),
                        title=str((meta or {}).get("title") or ""))
        self.registry.pages[src] = page
        if self.worker is not None:     # checked on another core; the problems are collected in finish()
            self.worker.submit(("check", src), "check", raw, file, src, bool(meta))
        else:
            self.log.extend(self._source_problems(raw, file, src, bool(meta)))
        figures = iter(range(1, 10_000))
        handlers = Handlers(
            essay=lambda number, line: self._quote(page, number, line),
            diagram=lambda info, body, line: self._diagram(page, info, body, line, next(figures)),
            marker=lambda name, line: self._marker(page, name, line),
        )
        return transform(markdown, handlers)

    def _file_label(self, src: str) -> str:
        """The page's path as problems name it: relative to mkdocs.yml's folder when the docs are inside it."""
        if self._docs_label is None:
            try:
                folder = self.settings.docs_dir.relative_to(self.settings.root).as_posix()
                self._docs_label = "" if folder == "." else folder + "/"
            except ValueError:
                self._docs_label = ""
        return self._docs_label + src

    def _quote(self, page: PageInfo, number_text: str, line: int) -> str:
        number = int(number_text) if number_text.isdigit() else None
        line += page.offset
        if number not in self.essay.paragraphs:
            last = max(self.essay.paragraphs, default=0)
            lines = page.raw.split("\n")
            column = (locate(lines[line - 1] if 0 < line <= len(lines) else "", number_text) or (1, 1))[1]
            self.log.add(Problem(page.file, line, column, f"no paragraph ¶{number_text} in the essay (it has ¶1 to "
                                 f"¶{last})", text=f"::: essay {number_text}",
                                 hint=nearest_number(number_text, self.essay.paragraphs,
                                                     "Did you mean '::: essay {}'?")))
            return f'<p class="xref-broken">::: essay {html.escape(number_text)}</p>'
        self.registry.quotes.setdefault(number, []).append(Quote(number, page.src, line))
        page_url = self.settings.site_url.rstrip("/") + "/" + page.url if self.settings.site_url else page.url
        return quote_html(self.essay, number, handbook=self.settings.site_name, page_url=page_url)

    def _diagram(self, page: PageInfo, info: str, body: str, line: int, count: int) -> str:
        line += page.offset
        try:
            from . import diagrams  # written separately; imported only when a page has a diagram
        except ImportError as error:
            self.log.add(Problem(page.file, line, 1, f"a d2 diagram needs hooks/xref/diagrams.py ({error})"))
            return ""
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
        return render.slot(f"figure:{fig_id}")

    def _marker(self, page: PageInfo, name: str, line: int) -> str | None:
        if name in GENERATED:
            self.registry.special[name] = page.src
            page.kind = name
        if name == "glossary":
            return render.glossary_markdown(self.terms, set(self.sources))
        if name == "terms":
            return render.terms_markdown(self.terms)
        if name == "essay":
            return render.essay_markdown(self.essay)
        if name == "sources":
            return render.slot("sources")
        if name == "corrections":
            return corrections_html(self.essay)
        known = sorted(GENERATED | {"corrections"})
        self.log.add(Problem(page.file, line + page.offset, 1, f"unknown marker xref:{name}",
                             hint=did_you_mean(name, known, "Did you mean <!-- xref:{} -->?")))
        return None

    def searchable(self, src: str) -> bool:
        """Whether the page goes into the search index: as its front matter's `search: {exclude: …}` says, and
        by default all but the index of terms (links to other pages: searching it would find nothing that the
        glossary and the chapters do not, and on a large handbook it is the biggest page by far)."""
        page = self.registry.pages.get(src)
        if page is None:
            return True
        if "search" not in page.meta:
            return page.kind != "terms"
        search = page.meta["search"] or {}
        return not (isinstance(search, dict) and search.get("exclude"))

    # --- on_page_content ------------------------------------------------------------------------------------

    def start_workers(self, count: int) -> None:
        """With count 1, do the per-page work in a worker process from now on (workers.py); 0 keeps all work
        in this process."""
        if count > 0 and self.worker is None:
            from .workers import Worker
            self.worker = Worker({"check": self._source_problems, "scan": self._scan_and_keep,
                                  "finalize": self._finalize_in_order})

    def page_html(self, src: str, content: str, title: str = "") -> str:
        page = self.registry.pages[src]
        page.title = page.title or title
        if self.worker is not None:     # scanned on another core, which also makes the final HTML from it
            self.unscanned[src] = content
            self.worker.submit(("scan", src), "scan", src, content, *self._scan_options(page))
            return content
        content, scan = self._scan(content, *self._scan_options(page))
        self._record_scan(page, scan)
        return content

    def _scan_options(self, page: PageInfo) -> tuple[bool, set[str] | None]:
        """Whether the page gets autolinks, and which terms a [[term:…]] may name without linking away."""
        autolink = page.kind in ("page", "glossary") and page.meta.get("autolink", True) is not False
        return autolink, set(self.terms) if page.kind == "glossary" else None

    def _source_problems(self, raw: str, file: str, src: str, front_matter_read: bool) -> list[Problem]:
        return source_problems(raw, file, src, self.documents, front_matter_read=front_matter_read)

    def _scan(self, content: str, autolink: bool, scope: set[str] | None) -> tuple[str, PageScan]:
        return scan_html(content, self.index, autolink=autolink, scope_ids=scope)

    def _scan_and_keep(self, src: str, content: str, autolink: bool, scope: set[str] | None):
        """In the worker: scan a page and keep the result for the final pass; the build's checks need only its
        references and headings."""
        self.scanned_html[src], self.scans[src] = self._scan(content, autolink, scope)
        return self.scans[src].references, self.scans[src].headings

    def _record_scan(self, page: PageInfo, scan: PageScan) -> None:
        page.mentions, page.references, page.headings = scan.mentions, scan.references, scan.headings

    def _collect_from_worker(self, order: list[str]) -> None:
        """The worker's check results and the references and headings of each page it scanned; meanwhile the
        worker starts the final pass of the pages in `order`, expecting the checks to pass (if they fail, it
        is stopped). If any scan failed there, the worker stops and every page is scanned here."""
        from .workers import failed
        lost = False
        for (job, src), result in self.worker.collect(then=("finalize", self._snapshot(), order)).items():
            page = self.registry.pages[src]
            if job == "check":
                self.log.extend(self._source_problems(page.raw, page.file, src, bool(page.meta))
                                if failed(result) else result)
            elif failed(result):
                lost = True
            else:
                page.references, page.headings = result
        if lost:
            self._work_here()

    def _work_here(self) -> None:
        """Stop the worker and scan every page in this process, for a final pass here (a worker problem can
        slow a build down but never change its output)."""
        self.worker.close()
        self.worker = None
        for src, content in self.unscanned.items():
            page = self.registry.pages[src]
            self.scanned_html[src], scan = self._scan(content, *self._scan_options(page))
            self._record_scan(page, scan)
        self.backlinks = None

    def close(self) -> None:
        """Stop the worker, if any (a failed build, or the end of one)."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    # --- on_env ---------------------------------------------------------------------------------------------

    def finish(self, order: list[str] = ()) -> list[Problem]:
        """Every problem of the build; empty when it may be published. `order`: the source paths of the pages in
        build order, for a worker to make their final HTML ahead of final_html."""
        if self.worker is not None:
            self._collect_from_worker(list(order))
        self.registry.freeze()
        self._check_page_ids()
        self._check_quotes()
        self._check_figures()
        fallbacks = []
        for key in ("glossary", "bibliography"):
            path = self.settings.path(key)
            if path.is_file():
                fallbacks.append((self.settings.label(key), path.read_text(encoding="utf-8")))
        self.log.extend(check_references(self.registry, fallbacks))
        self.backlinks = None   # computed by the first finalize_pair: in the worker, when there is one
        return list(self.log.problems)

    def report(self) -> str:
        return self.log.report()

    def _check_page_ids(self) -> None:
        seen: dict[str, PageInfo] = {}
        for page in self.registry.pages.values():
            first = seen.setdefault(page.id, page)
            if first is not page:
                where = locate(page.raw, f"id: {page.id}") or (1, 1)
                was = locate(first.raw, f"id: {page.id}") or (1, 1)
                self.log.add(Problem(page.file, where[0], where[1], f"duplicate page id {page.id!r}",
                                     hint=f"Also used by {first.file}:{was[0]}; page ids must be unique."))

    def _check_quotes(self) -> None:
        for number in sorted(self.essay.paragraphs):
            quotes = self.registry.quotes.get(number, [])
            if not quotes:
                self.log.add(self._missing_quote(number))
            for extra in quotes[1:]:
                first = quotes[0]
                self.log.add(Problem(self.registry.pages[extra.page].file, extra.line, 1,
                                     f"¶{number} is quoted twice: here and at "
                                     f"{self.registry.pages[first.page].file}:{first.line}",
                                     text=f"::: essay {number}",
                                     hint=f"Quote each paragraph once; refer to it elsewhere with [[p:{number}]]."))

    def _missing_quote(self, number: int) -> Problem:
        for neighbour in (number - 1, number + 1):
            quotes = self.registry.quotes.get(neighbour)
            if quotes:
                page = self.registry.pages[quotes[0].page]
                where = "after" if neighbour < number else "before"
                return Problem(page.file, quotes[0].line, 1, f"¶{number} of the essay is not quoted on any page",
                               hint=f"Every paragraph is quoted once: add the line '::: essay {number}' {where} "
                                    f"'::: essay {neighbour}' (this line), or to the chapter that discusses it.")
        return Problem(self.settings.label("edition"), 1, 1, f"¶{number} of the essay is not quoted on any page",
                       hint=f"Add the line '::: essay {number}' to the chapter that discusses it.")

    def _check_figures(self) -> None:
        for fig_id, figures in self.registry.figures.items():
            for extra in figures[1:]:
                first = figures[0]
                self.log.add(Problem(self.registry.pages[extra.page].file, extra.line, 1,
                                     f"duplicate figure id {fig_id!r}",
                                     hint=f"First used at {self.registry.pages[first.page].file}:{first.line}."))

    # --- on_page_context ------------------------------------------------------------------------------------

    def _snapshot(self) -> tuple:
        """What the worker needs from this process for the final pass: what on_page_markdown found."""
        pages = {src: replace(page, raw="", references=[], headings={}) for src, page in self.registry.pages.items()}
        return pages, self.registry.figures, self.registry.quotes, self.registry.special, self.figure_html

    def _finalize_in_order(self, snapshot: tuple, order: list[str]):
        """In the worker: take the snapshot and its own scans, and return the final pass of each page as
        (src, task) pairs in build order."""
        pages, figures, quotes, special, self.figure_html = snapshot
        for src, page in pages.items():
            self._record_scan(page, self.scans[src])
        self.registry.adopt(pages, figures, quotes, special)
        self.backlinks = None
        return ((src, partial(self.finalize_pair, src, self.scanned_html.get(src, ""))) for src in order)

    def final_html(self, src: str, content: str) -> tuple[str, str]:
        """finalize_pair, from the worker when there is one. If the worker failed, or the page changed since
        it was scanned, this process takes over the rest of the build."""
        if self.worker is not None and src in self.unscanned:
            from .workers import failed
            if content is self.unscanned[src] or content == self.unscanned[src]:
                result = self.worker.result(src)
                if not failed(result):
                    return result
            self.unscanned[src] = content
            self._work_here()
        return self.finalize_pair(src, content)

    def finalize_pair(self, src: str, content: str) -> tuple[str, str]:
        """Resolve placeholders and slots, and end chapters with related reading. Returns (the page's final
        HTML, the text a search index should read). The second has the engine's links as
        plain text and leaves out the backlink lists ("Mentioned in", related reading): indexers keep the text
        of links, not their markup, and those lists would make every chapter match every other chapter's name.
        It is empty for a page kept out of the search index (the index of terms: megabytes of links)."""
        page = self.registry.pages.get(src)
        if page is None:
            return content, content
        if self.backlinks is None:
            self.backlinks = render.Backlinks(self.registry)
        content = self.scanned_html.pop(src, content)
        slots: dict[str, str] = {}

        def fill(match: re.Match) -> str:
            name = match.group(2)
            if name not in slots:
                slots[name] = self._slot(name, page)
            return slots[name]

        def fill_for_search(match: re.Match) -> str:
            return "" if match.group(2).startswith(BACKLINK_SLOTS) else fill(match)

        full = SLOT_RE.sub(fill, REF_RE.sub(lambda m: self._ref_link(int(m[1]), page), content))
        lean = ""
        if self.searchable(src):
            lean = SLOT_RE.sub(fill_for_search, REF_RE.sub(lambda m: self._ref_text(int(m[1]), page), content))
        if page.chapter is not None and page.kind == "page":
            full += render.related_html(page, self.backlinks)
        glossary = self.registry.special_page("glossary")
        to_glossary = link(glossary.url, "", page.url) if glossary else ""  # the same for every term link
        same_page = glossary is not None and glossary.url == page.url
        full = TERM_OPEN_RE.sub(lambda m: self._term_link(m[1], m[2], to_glossary, same_page), full)
        lean = TERM_OPEN_RE.sub("", lean)   # no template to expand: the substitution runs in C
        return full.replace(TERM_CLOSE, "</a>"), lean.replace(TERM_CLOSE, "")

    def _term_link(self, term_id: str, anchor: str, to_glossary: str, on_glossary: bool) -> str:
        """The opening <a> tag of an autolink (its text and closing tag stay where they are)."""
        term = self.terms[term_id]
        if on_glossary:
            href = f"#{term.id}"
        else:
            href = f"{to_glossary}#{term.id}" if to_glossary else "#"
        return (f'<a class="xref xref-term xref-auto" data-xref="term:{term.id}" href="{escape(href)}" '
                f'title="{escape(term.short)}" id="{anchor}">')

    def _ref_link(self, number: int, page: PageInfo) -> str:
        ref = page.references[number]
        target = self.registry.resolve(ref, page)
        if isinstance(target, str) or target.page is None:
            return f'<span class="xref-broken">{html.escape(ref.token)}</span>'
        return link_html(target, ref, link(target.page.url, target.anchor, page.url))

    def _ref_text(self, number: int, page: PageInfo) -> str:
        """What the link of reference `number` reads, as HTML text."""
        ref = page.references[number]
        target = self.registry.resolve(ref, page)
        if isinstance(target, str) or target.page is None:
            return html.escape(ref.token)
        return escape(ref.text or target.text)

    def _slot(self, name: str, page: PageInfo) -> str:
        kind, _, arg = name.partition(":")
        if kind == "figure":
            return self.figure_html.get(arg, "")
        if kind == "mentioned-in":
            return render.mentioned_in_html(arg, self.backlinks, page)
        if kind == "terms":
            return render.terms_letter_html(arg, self.backlinks, page)
        if kind == "sources":
            return render.sources_html(self.backlinks, page)
        if kind == "concordance":
            return render.concordance_html(int(arg), self.backlinks, page)
        return ""
