"""Problems as GitHub Actions workflow commands (`::error file=F,line=L,col=C::message`), so that each one shows
on the pull request's diff at its line. Pure functions: the caller says whether it runs in GitHub Actions."""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # problems.py imports this module to report: no import back at run time
    from .problems import Problem


def escape_data(text: str) -> str:
    """A command's message: GitHub decodes %25, %0D and %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ',', which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(message: str, file: str = "", line: int = 0, column: int = 0, kind: str = "error") -> str:
    """One workflow command; a location part that is unknown (empty, or 0) is left out."""
    properties = [(name, str(value)) for name, value in (("file", file), ("line", line), ("col", column)) if value]
    listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{kind}{' ' + listed if listed else ''}::{escape_data(message)}"


def problem_command(problem: Problem) -> str:
    """The problem's own text without the file:line:col that the properties carry."""
    where = f"{problem.file}:{problem.line}:{problem.column}: "
    message = problem.format().removeprefix(where)
    return command(message, problem.file, problem.line, problem.column)


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


def workflow_commands(problems: Iterable[Problem], environ: Mapping[str, str] | None = None) -> list[str]:
    """One ::error command per problem in GitHub Actions; nothing elsewhere."""
    return [problem_command(problem) for problem in problems] if in_github_actions(environ) else []
