"""Collecting problems, did-you-mean suggestions, and mapping tokens back to file:line:column."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

from .annotations import workflow_commands
from .model import Problem


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


def nearest_number(text: str, numbers: Iterable[int], template: str) -> str:
    """Did-you-mean for paragraph numbers: the closest existing number (difflib is no help with digits)."""
    numbers = sorted(numbers)
    if not numbers:
        return "The essay has no numbered paragraphs."
    digits = "".join(c for c in text if c.isdigit())
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
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
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
        return "\n".join(lines + workflow_commands(ordered))  # in GitHub Actions, also as ::error commands
