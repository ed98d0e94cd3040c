"""Stage 4: the checks that need every page, over the frozen registry: page ids, quotations of the essay,
figure ids and [[kind:id]] references. Each returns its problems."""
from __future__ import annotations

from ..core.model import PageInfo, Reference
from ..core.problems import Problem, locate
from ..registry.registry import Registry
from ..registry.resolve import Resolution, Unresolved
from .tokens import locate_in_sources


def cross_page_problems(registry: Registry, resolutions: dict[tuple[str, int], Resolution],
                        data_files: list[tuple[str, str]], edition_label: str) -> list[Problem]:
    """Every cross-page problem; `data_files`: (label, text) of the files generated pages come from, to locate
    a reference that is in no page's source."""
    return (page_id_problems(registry) + quote_problems(registry, edition_label) + figure_problems(registry)
            + reference_problems(registry, resolutions, data_files))


def page_id_problems(registry: Registry) -> list[Problem]:
    problems, seen = [], {}
    for page in registry.pages.values():
        first = seen.setdefault(page.id, page)
        if first is not page:
            where = locate(page.raw, f"id: {page.id}") or (1, 1)
            was = locate(first.raw, f"id: {page.id}") or (1, 1)
            problems.append(Problem(page.file, where[0], where[1], f"duplicate page id {page.id!r}",
                                    hint=f"Also used by {first.file}:{was[0]}; page ids must be unique."))
    return problems


def quote_problems(registry: Registry, edition_label: str) -> list[Problem]:
    """Every paragraph of the essay is quoted exactly once."""
    problems = []
    for number in sorted(registry.paragraphs):
        quotes = registry.quotes.get(number, [])
        if not quotes:
            problems.append(_missing_quote(registry, number, edition_label))
        for extra in quotes[1:]:
            first = quotes[0]
            problems.append(Problem(registry.pages[extra.page].file, extra.line, 1,
                                    f"¶{number} is quoted twice: here and at "
                                    f"{registry.pages[first.page].file}:{first.line}",
                                    text=f"::: essay {number}",
                                    hint=f"Quote each paragraph once; refer to it elsewhere with [[p:{number}]]."))
    return problems


def _missing_quote(registry: Registry, number: int, edition_label: str) -> Problem:
    for neighbour in (number - 1, number + 1):
        quotes = registry.quotes.get(neighbour)
        if quotes:
            page = registry.pages[quotes[0].page]
            where = "after" if neighbour < number else "before"
            return Problem(page.file, quotes[0].line, 1, f"¶{number} of the essay is not quoted on any page",
                           hint=f"Every paragraph is quoted once: add the line '::: essay {number}' {where} "
                                f"'::: essay {neighbour}' (this line), or to the chapter that discusses it.")
    return Problem(edition_label, 1, 1, f"¶{number} of the essay is not quoted on any page",
                   hint=f"Add the line '::: essay {number}' to the chapter that discusses it.")


def figure_problems(registry: Registry) -> list[Problem]:
    problems = []
    for fig_id, figures in registry.figures.items():
        for extra in figures[1:]:
            first = figures[0]
            problems.append(Problem(registry.pages[extra.page].file, extra.line, 1, f"duplicate figure id {fig_id!r}",
                                    hint=f"First used at {registry.pages[first.page].file}:{first.line}."))
    return problems


def reference_problems(registry: Registry, resolutions: dict[tuple[str, int], Resolution],
                       data_files: list[tuple[str, str]]) -> list[Problem]:
    problems = []
    for page in registry.pages.values():
        for ref in page.references:
            result = resolutions[(page.src, ref.number)]
            if isinstance(result, Unresolved):
                file, line, column = locate_reference(ref, page, data_files)
                problems.append(Problem(file, line, column, result.message, text=ref.token, hint=result.hint))
    return problems


def locate_reference(ref: Reference, page: PageInfo, data_files: list[tuple[str, str]]) -> tuple[str, int, int]:
    """file, line, column of a token: in the page's source, else in the data files it came from."""
    return locate_in_sources(page, ref.token, ref.occurrence, tuple(data_files))
