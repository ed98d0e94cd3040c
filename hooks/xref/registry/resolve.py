"""Reference resolution: a pure function from a [[kind:id]] reference and the frozen registry to its target, or
to what could not be resolved (as data: the checks report it, the final pass marks it broken)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.model import PageInfo, Reference
from ..core.problems import did_you_mean, nearest_number, paragraph_number
from .registry import Registry

KINDS = ("ch", "sec", "p", "q", "fig", "term", "src")


@dataclass(frozen=True)
class Target:
    page: PageInfo
    anchor: str
    text: str
    title: str = ""


@dataclass(frozen=True)
class Unresolved:
    """A reference that leads nowhere: what is wrong, and a did-you-mean."""
    message: str
    hint: str


Resolution = Target | Unresolved


def resolve(ref: Reference, page: PageInfo, registry: Registry) -> Resolution:
    """The target of `ref` (found on `page`)."""
    resolver = RESOLVERS.get(ref.kind)
    if resolver is None:
        return Unresolved(f"unknown reference kind {ref.kind!r}",
                          did_you_mean(ref.kind, KINDS, "Did you mean [[{}:…]]?"))
    if ref.kind == "q":
        return _q(ref.target, ref.text, page, registry)
    return resolver(ref.target, page, registry)


def resolve_all(registry: Registry) -> dict[tuple[str, int], Resolution]:
    """Every reference of every page, by (page src, reference number): the checks, backlinks and the final pass
    each read them, and each is resolved once."""
    return {(page.src, ref.number): resolve(ref, page, registry)
            for page in registry.pages.values() for ref in page.references}


def _on(page: PageInfo | None, kind: str, anchor: str, text: str, title: str = "") -> Resolution:
    if page is None:    # the generated page that should hold it is not in the build
        return Unresolved(f"no page holds the {kind!r} targets",
                          "Add the marker page (e.g. docs/glossary.md with <!-- xref:glossary -->).")
    return Target(page, anchor, text, title)


def _ch(target: str, page: PageInfo, registry: Registry) -> Resolution:
    pages = registry.by_id
    if target not in pages:
        return Unresolved(f"unknown page id {target!r}", did_you_mean(target, pages, "Did you mean [[ch:{}]]?"))
    found = pages[target]
    return Target(found, "", found.label if found.chapter is not None else (found.title or found.id))


def _sec(target: str, page: PageInfo, registry: Registry) -> Resolution:
    page_id, _, anchor = target.partition("#")
    pages = registry.by_id
    found = pages.get(page_id) if page_id else page
    if found is None:
        return Unresolved(f"unknown page id {page_id!r}", did_you_mean(page_id, pages, "Did you mean [[sec:{}#…]]?"))
    if anchor not in found.headings:
        return Unresolved(f"page {found.id!r} has no section {anchor!r}",
                          did_you_mean(anchor, found.headings, f"Did you mean [[sec:{found.id}#{{}}]]?"))
    return Target(found, anchor, found.headings[anchor])


def _p(target: str, page: PageInfo, registry: Registry) -> Resolution:
    number = paragraph_number(target)
    if number not in registry.paragraphs:
        last = max(registry.paragraphs, default=0)
        return Unresolved(f"no paragraph ¶{target} in the essay (it has ¶1 to ¶{last})",
                          nearest_number(target, registry.paragraphs, "Did you mean [[p:{}]]?"))
    quotes = registry.quotes.get(number)
    if quotes:
        return Target(registry.pages[quotes[0].page], f"para-{number}", f"¶{number}")
    return _on(registry.special_page("essay"), "p", f"published-{number}", f"¶{number}")


def _q(target: str, words: str, page: PageInfo, registry: Registry) -> Resolution:
    """A quotation of the essay's words, checked against ¶target (after the declared repairs)."""
    where = _p(target, page, registry)
    if isinstance(where, Unresolved):
        return Unresolved(where.message, where.hint.replace("[[p:", "[[q:").replace("]]", "|…]]"))
    number, passages = paragraph_number(target), registry.passages
    if not words:
        return Unresolved("a quotation needs the essay's words", f"Write [[q:{number}|the words, as in ¶{number}]].")
    if passages is None:
        return Target(where.page, where.anchor, words)
    found = passages.find(words)
    if number in found:
        return Target(where.page, where.anchor, words, f"¶{number}: {passages.sentence(number, words)}")
    if found:
        return Unresolved(f"the quoted words stand in ¶{found[0]}, not in ¶{number}",
                          f"Write [[q:{found[0]}|{words}]].")
    passage, _ = passages.closest(words, number)
    if passage is None:
        return Unresolved(f"the quoted words are not the essay's (¶{number})",
                          "Quote the essay's words exactly; straight and curly quotes count as the same.")
    return Unresolved(f"the quoted words are not the essay's (¶{number})",
                      f"Did you mean '{passage.text}' (¶{passage.paragraph})?")


def _fig(target: str, page: PageInfo, registry: Registry) -> Resolution:
    if target not in registry.figures:
        return Unresolved(f"unknown figure id {target!r}",
                          did_you_mean(target, registry.figures, "Did you mean [[fig:{}]]?"))
    figure = registry.figures[target][0]
    return Target(registry.pages[figure.page], f"fig-{figure.id}", f"Figure {figure.number}", figure.caption)


def _term(target: str, page: PageInfo, registry: Registry) -> Resolution:
    if target not in registry.terms:
        return Unresolved(f"unknown glossary term {target!r}",
                          did_you_mean(target, registry.terms, "Did you mean [[term:{}]]?"))
    term = registry.terms[target]
    return _on(registry.special_page("glossary"), "term", target, term.term, term.short)


def _src(target: str, page: PageInfo, registry: Registry) -> Resolution:
    if target not in registry.sources:
        return Unresolved(f"unknown source id {target!r} (not in the bibliography)",
                          did_you_mean(target, registry.sources, "Did you mean [[src:{}]]?"))
    source = registry.sources[target]
    return _on(registry.special_page("sources"), "src", target, source.label, f"{source.publisher}: {source.title}")


RESOLVERS: dict[str, Callable[[str, PageInfo, Registry], Resolution]] = {
    "ch": _ch, "sec": _sec, "p": _p, "q": _p, "fig": _fig, "term": _term, "src": _src}
