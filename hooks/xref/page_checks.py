"""Checks of sources as the contributor wrote them (front matter, content security), as engine Problems, so
that they are reported in the same list as every other problem of the build."""
from __future__ import annotations

from pathlib import Path

from . import security
from .frontmatter import front_matter_problem
from .model import Problem


def source_problems(raw: str, file: str) -> list[Problem]:
    """A page's front matter and content security problems."""
    problems = [problem for problem in [front_matter_problem(raw, file)] if problem]
    return problems + security_problems(raw, file)


def data_file_problems(path: Path, file: str) -> list[Problem]:
    """Content security problems in a data file whose texts are rendered as Markdown (glossary definitions)."""
    if not path.is_file():
        return []  # the loader reports a missing file
    return security_problems(path.read_text(encoding="utf-8"), file)


def security_problems(text: str, file: str) -> list[Problem]:
    return [Problem(found.path, found.line, found.column, found.problem, hint=_sentence(found.fix))
            for found in security.check_markdown(text, file)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
