"""Quotations of the essay that nobody marked: a run of three or more words in double quotes in the commentary.

One that stands in the essay verbatim is linked to its paragraph by the scan (scan/html_scan.py), as if marked
[[q:N|…]]; one that nearly matches is reported here as a likely misquotation, with the closest passage.
Quotations of other sources, which match nothing in the essay, stay plain quotes.
"""
from __future__ import annotations

import re

from ..core.problems import Problem, line_column
from ..load.passages import Passages, quoted_runs

# What is not commentary: [[…]] tokens (their text is checked as a [[q:…]], or marked plain with [[=…]]).
TOKEN_RE = re.compile(r"\[\[[^\[\]]*\]\]")
NEAR = 0.75          # share of the quoted words that must stand in one run of the essay to call it a misquotation


def misquotation_problems(masked: str, file: str, passages: Passages) -> list[Problem]:
    """Problems for quoted runs in `masked` (a page or data file with its code masked out)."""
    text = TOKEN_RE.sub(lambda m: " " * len(m.group()), masked) if "[[" in masked else masked
    problems = []
    for start, _, words in quoted_runs(text):
        if passages.find(words):
            continue            # the essay's words: the scan links them to their paragraph
        passage, _ = passages.closest(words, floor=NEAR)
        if passage is not None:
            line, column = line_column(masked, start)
            problems.append(Problem(file, line, column, "a likely misquotation of the essay", text=words,
                                    hint=f"Did you mean '{passage.text}' (¶{passage.paragraph})? Quote the essay's "
                                         "words exactly; if this quotes another source, write it as [[=“…”]] beside "
                                         "its citation."))
    return problems
