"""Checks of sources as the contributor wrote them (front matter, content security, page links), as engine
Problems, so that they are reported in the same list as every other problem of the build."""
from __future__ import annotations

from collections.abc import Set
from pathlib import Path

from ..core.markdown_syntax import mask_markdown
from ..core.problems import Problem
from ..load.passages import Passages
from .content_rules import check_markdown, check_masked
from .front_matter import front_matter_problems
from .page_links import broken_links_in_masked
from .quotations import misquotation_problems
from .tokens import front_matter_token_problems, heading_token_problems


def source_problems(raw: str, file: str, src: str, pages: Set[str],
                    passages: Passages | None = None) -> list[Problem]:
    """A page's front matter, content security and page-link problems (`pages`: every page of the build by
    source path; empty to skip the link check; the front matter is checked even when MkDocs could read it, since
    it may hold values of the wrong type). The page is masked once for all of them."""
    problems = front_matter_problems(raw, file)
    if raw.startswith("---"):
        problems += front_matter_token_problems(raw, file)
    masked, fences = mask_markdown(raw)
    problems += check_masked(masked, fences, file)
    if "[[" in masked:
        problems += heading_token_problems(masked, file)
    if passages is not None:
        problems += misquotation_problems(masked, file, passages)
    if pages:
        problems += broken_links_in_masked(masked, file, src, pages)
    return problems


def data_file_problems(path: Path, file: str, passages: Passages | None = None) -> list[Problem]:
    """Content security problems in a data file whose texts are rendered as Markdown (glossary definitions), and
    with `passages`, its quotations of the essay."""
    if not path.is_file():
        return []  # the loader reports a missing file
    text = path.read_text(encoding="utf-8")
    problems = check_markdown(text, file)
    if passages is not None:
        problems += misquotation_problems(mask_markdown(text)[0], file, passages)
    return problems
