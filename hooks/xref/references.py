"""Resolving [[kind:id]] references against everything the build found, with did-you-mean problems."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Figure, PageInfo, Problem, Quote, Reference, Source, Term
from .problems import did_you_mean, locate, nearest_number
from .urls import escape

KINDS = ("ch", "sec", "p", "fig", "term", "src")


@dataclass
class Target:
    page: PageInfo | None   # None: the page that should hold it does not exist
    anchor: str
    text: str
    title: str = ""


class Registry:
    """What references can point to; filled while pages are processed."""

    def __init__(self, terms: dict[str, Term], sources: dict[str, Source], paragraphs: set[int]) -> None:
        self.terms = terms
        self.sources = sources
        self.paragraphs = paragraphs
        self.pages: dict[str, PageInfo] = {}          # by src path
        self.figures: dict[str, list[Figure]] = {}
        self.quotes: dict[int, list[Quote]] = {}
        self.special: dict[str, str] = {}              # glossary/sources/terms/essay -> src path
        self._resolved: dict[int, tuple[Reference, Target | str]] | None = None  # see freeze()

    def freeze(self) -> None:
        """Every page is known: from now on each reference is resolved once and remembered (the checks,
        backlinks and the final pass each ask for every reference)."""
        self._resolved = {}

    def adopt(self, pages: dict[str, PageInfo], figures: dict[str, list[Figure]], quotes: dict[int, list[Quote]],
              special: dict[str, str]) -> None:
        """Take what another process's registry found (a worker's final pass), and freeze."""
        self.pages, self.figures, self.quotes, self.special = pages, figures, quotes, special
        self._by_id_size = -1
        self.freeze()

    def by_id(self) -> dict[str, PageInfo]:
        """Pages by front-matter id; cached once all pages are known (the first page with an id wins)."""
        if getattr(self, "_by_id_size", -1) != len(self.pages):
            self._by_id: dict[str, PageInfo] = {}
            for page in self.pages.values():
                self._by_id.setdefault(page.id, page)
            self._by_id_size = len(self.pages)
        return self._by_id

    def special_page(self, kind: str) -> PageInfo | None:
        src = self.special.get(kind)
        return self.pages.get(src) if src else None

    def resolve(self, ref: Reference, page: PageInfo) -> Target | str:
        """The target of `ref`, or a problem message with a hint (joined by a tab)."""
        if self._resolved is not None:
            known = self._resolved.get(id(ref))
            if known is not None and known[0] is ref:
                return known[1]
            result = self._resolve(ref, page)
            self._resolved[id(ref)] = (ref, result)   # the reference is kept alive with its key
            return result
        return self._resolve(ref, page)

    def _resolve(self, ref: Reference, page: PageInfo) -> Target | str:
        method = getattr(self, f"_{ref.kind}", None)
        if ref.kind not in KINDS or method is None:
            return f"unknown reference kind {ref.kind!r}\t" + did_you_mean(ref.kind, KINDS, "Did you mean [[{}:…]]?")
        return method(ref.target, page)

    def _ch(self, target: str, page: PageInfo) -> Target | str:
        pages = self.by_id()
        if target not in pages:
            return f"unknown page id {target!r}\t" + did_you_mean(target, pages, "Did you mean [[ch:{}]]?")
        found = pages[target]
        return Target(found, "", found.label if found.chapter is not None else (found.title or found.id))

    def _sec(self, target: str, page: PageInfo) -> Target | str:
        page_id, _, anchor = target.partition("#")
        pages = self.by_id()
        found = pages.get(page_id) if page_id else page
        if found is None:
            return f"unknown page id {page_id!r}\t" + did_you_mean(page_id, pages, "Did you mean [[sec:{}#…]]?")
        if anchor not in found.headings:
            return (f"page {found.id!r} has no section {anchor!r}\t"
                    + did_you_mean(anchor, found.headings, f"Did you mean [[sec:{found.id}#{{}}]]?"))
        return Target(found, anchor, found.headings[anchor])

    def _p(self, target: str, page: PageInfo) -> Target | str:
        number = int(target) if target.isdigit() else None
        if number not in self.paragraphs:
            last = max(self.paragraphs, default=0)
            return (f"no paragraph ¶{target} in the essay (it has ¶1 to ¶{last})\t"
                    + nearest_number(target, self.paragraphs, "Did you mean [[p:{}]]?"))
        quotes = self.quotes.get(number)
        if quotes:
            return Target(self.pages[quotes[0].page], f"para-{number}", f"¶{number}")
        return Target(self.special_page("essay"), f"published-{number}", f"¶{number}")

    def _fig(self, target: str, page: PageInfo) -> Target | str:
        if target not in self.figures:
            return f"unknown figure id {target!r}\t" + did_you_mean(target, self.figures, "Did you mean [[fig:{}]]?")
        figure = self.figures[target][0]
        return Target(self.pages[figure.page], f"fig-{figure.id}", f"Figure {figure.number}", figure.caption)

    def _term(self, target: str, page: PageInfo) -> Target | str:
        if target not in self.terms:
            return f"unknown glossary term {target!r}\t" + did_you_mean(target, self.terms, "Did you mean [[term:{}]]?")
        term = self.terms[target]
        return Target(self.special_page("glossary"), target, term.term, term.short)

    def _src(self, target: str, page: PageInfo) -> Target | str:
        if target not in self.sources:
            return (f"unknown source id {target!r} (not in the bibliography)\t"
                    + did_you_mean(target, self.sources, "Did you mean [[src:{}]]?"))
        source = self.sources[target]
        return Target(self.special_page("sources"), target, source.label, f"{source.publisher}: {source.title}")


def locate_reference(ref: Reference, page: PageInfo, fallbacks: list[tuple[str, str]]) -> tuple[str, int, int]:
    """file, line, column of a token: in the page's source, else in the data files it came from."""
    found = locate(page.raw, ref.token, ref.occurrence)
    if found:
        return page.file, found[0], found[1]
    for label, text in fallbacks:
        found = locate(text, ref.token)
        if found:
            return label, found[0], found[1]
    return page.file, 1, 1


def check_references(registry: Registry, fallbacks: list[tuple[str, str]]) -> list[Problem]:
    problems = []
    for page in registry.pages.values():
        for ref in page.references:
            result = registry.resolve(ref, page)
            if isinstance(result, str):
                message, _, hint = result.partition("\t")
                file, line, column = locate_reference(ref, page, fallbacks)
                problems.append(Problem(file, line, column, message, text=ref.token, hint=hint))
            elif result.page is None:
                file, line, column = locate_reference(ref, page, fallbacks)
                problems.append(Problem(file, line, column, f"no page holds the {ref.kind!r} targets", text=ref.token,
                                        hint="Add the marker page (e.g. docs/glossary.md with <!-- xref:glossary -->)."))
    return problems


def link_html(target: Target, ref: Reference, href: str) -> str:
    esc = escape
    attrs = [f'class="xref xref-{ref.kind}"', f'data-xref="{esc(ref.kind)}:{esc(ref.target)}"', f'href="{esc(href)}"']
    if target.title:
        attrs.append(f'title="{esc(target.title)}"')
    if ref.anchor:
        attrs.append(f'id="{esc(ref.anchor)}"')
    return f"<a {' '.join(attrs)}>{esc(ref.text or target.text)}</a>"
