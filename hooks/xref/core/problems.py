"""Problems: the one type every stage reports, where they are (file:line:column), did-you-mean hints, and the
log that collects them for one report at the end of the build."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the sources, located as precisely as we can."""
    file: str
    line: int
    column: int
    message: str
    text: str = ""
    hint: str = ""

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f" in {self.text!r}" if self.text else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}: {self.message}{text}.{hint}"


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of the character at `offset` in `text`: the one mapping from offsets to places."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def did_you_mean(word: str, choices: Iterable[str], template: str = "Did you mean {!r}?") -> str:
    """A hint naming the closest known choice, or listing a few when nothing is close."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return template.format(close[0])
    if not choices:
        return "Nothing of that kind is defined yet."
    shown = ", ".join(choices[:8]) + (", …" if len(choices) > 8 else "")
    return f"Known: {shown}."


ASCII_DIGITS = "0123456789"


def paragraph_number(text: str) -> int | None:
    """The number written as `text` in ASCII digits ("12"), else None: other digits ("²", "١٢") are no
    paragraph number."""
    return int(text) if text and all(c in ASCII_DIGITS for c in text) else None


def nearest_number(text: str, numbers: Iterable[int], template: str) -> str:
    """Did-you-mean for paragraph numbers: the closest existing number (difflib is no help with digits)."""
    numbers = sorted(numbers)
    if not numbers:
        return "The essay has no numbered paragraphs."
    digits = "".join(c for c in text if c in ASCII_DIGITS)   # "²".isdigit() is true, and int("²") fails
    if not digits:
        return f"Write a number from {numbers[0]} to {numbers[-1]}."
    wanted = int(digits)
    return template.format(min(numbers, key=lambda n: (abs(n - wanted), n)))


def locate(text: str, token: str, occurrence: int = 0, line_offset: int = 0) -> tuple[int, int] | None:
    """1-based (line, column) of the occurrence-th appearance of `token` in `text`, or None."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(token, start + 1)
        if start < 0:
            return None
    line, column = line_column(text, start)
    return line + line_offset, column


class ProblemLog:
    """All problems of one build, reported together at the end."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def report(self) -> str:
        ordered = sorted(self.problems, key=lambda p: (p.file, p.line, p.column))
        lines = [f"the cross-reference check found {len(ordered)} problem(s):"]
        lines += [f"  {problem.format()}" for problem in ordered]
        from .annotations import workflow_commands
        return "\n".join(lines + workflow_commands(ordered))  # in GitHub Actions, also as ::error commands
