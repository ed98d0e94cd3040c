"""The glossary's wordings indexed for the scan: which words of a text node start a term, longest match first."""
from __future__ import annotations

import re
from itertools import accumulate

from ..core.model import Term
from .glossary import key_of, wordings

SPLIT_RE = re.compile(r"(\w+)")                     # split() keeps the words at odd positions
GAP_RE = re.compile(r"[\s\-\u2010\u2011]+$")       # what may stand between the words of one term


class TermIndex:
    """Glossary wordings keyed by their lowercased word tuples, for longest-match-first lookup."""

    def __init__(self, terms: dict[str, Term]) -> None:
        self.terms = terms
        self.keys: dict[tuple[str, ...], str] = {}
        lengths: dict[str, set[int]] = {}
        for term in terms.values():
            if not term.autolink:
                continue
            for text in wordings(term):
                key = key_of(text)
                if key and key not in self.keys:
                    self.keys[key] = term.id
                    lengths.setdefault(key[0], set()).add(len(key))
        self.first = {word: sorted(sizes, reverse=True) for word, sizes in lengths.items()}

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term id) of every wording in `text`, longest first, not overlapping."""
        lower = text.lower()
        if len(lower) != len(text):     # a few characters change length when lowercased: keep offsets exact
            lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        first, keys = self.first, self.keys
        parts = SPLIT_RE.split(lower)   # gap, word, gap, word, …, gap: one C call, no per-word objects
        words = parts[1::2]
        candidates = [i for i, word in enumerate(words) if word in first]
        if not candidates:
            return []                   # the common case: no word of the node starts a wording
        found, count, ends, next_free = [], len(words), None, 0
        for i in candidates:
            if i < next_free:           # inside the wording just found
                continue
            for size in first[words[i]]:
                if i + size > count:
                    continue
                term = keys.get(tuple(words[i:i + size]))
                if not term:
                    continue
                if ends is None:        # offsets are only needed once something matches
                    ends = list(accumulate(map(len, parts)))
                # word j spans ends[2j] to ends[2j + 1]
                if all(GAP_RE.match(text, ends[2 * j + 1], ends[2 * j + 2]) for j in range(i, i + size - 1)):
                    found.append((ends[2 * i], ends[2 * (i + size) - 1], term))
                    next_free = i + size
                    break
        return found
