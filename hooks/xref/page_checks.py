"""Checks of a page's source as the contributor wrote it (front matter, content security), as engine Problems,
so that they are reported in the same list as every other problem of the build."""
from __future__ import annotations

from . import security
from .frontmatter import front_matter_problem
from .model import Problem


def source_problems(raw: str, file: str) -> list[Problem]:
    problems = [problem for problem in [front_matter_problem(raw, file)] if problem]
    problems += [Problem(found.path, found.line, found.column, found.problem, hint=_sentence(found.fix))
                 for found in security.check_markdown(raw, file)]
    return problems


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
