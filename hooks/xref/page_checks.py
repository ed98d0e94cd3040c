"""Checks of sources as the contributor wrote them (front matter, content security, page links), as engine
Problems, so that they are reported in the same list as every other problem of the build."""
from __future__ import annotations

from pathlib import Path

from . import security
from .frontmatter import front_matter_problem
from .model import Problem
from .page_links import broken_links_in_masked


def source_problems(raw: str, file: str, src: str, pages: set[str], front_matter_read: bool = False) -> list[Problem]:
    """A page's front matter, content security and page-link problems (`pages`: every page of the build by
    source path; empty to skip the link check; `front_matter_read`: MkDocs read the front matter as a mapping,
    so it has no problem to find). The page is masked once for all of them."""
    problems = [] if front_matter_read else [problem for problem in [front_matter_problem(raw, file)] if problem]
    masked, fences = security.mask_markdown(raw)
    problems += _as_problems(security.check_masked(masked, fences, file))
    if pages:
        problems += broken_links_in_masked(masked, file, src, pages)
    return problems


def data_file_problems(path: Path, file: str) -> list[Problem]:
    """Content security problems in a data file whose texts are rendered as Markdown (glossary definitions)."""
    if not path.is_file():
        return []  # the loader reports a missing file
    return _as_problems(security.check_markdown(path.read_text(encoding="utf-8"), file))


def _as_problems(found: list[security.Problem]) -> list[Problem]:
    return [Problem(one.path, one.line, one.column, one.problem, hint=_sentence(one.fix)) for one in found]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
