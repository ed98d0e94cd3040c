"""The glossary's wordings indexed for the scan: which words of a text node start a term, longest match first."""
from __future__ import annotations

import re
from itertools import accumulate

from ..core.model import Term
from .glossary import APOSTROPHES, joint, key_of, wordings

SPLIT_RE = re.compile(r"(\w+)")                     # split() keeps the words at odd positions
GAP_RE = re.compile(r"[\s\-\u2010\u2011]+$")       # what may stand between the words of one term
JOINED_AFTER = frozenset("+#")                      # "C" followed by these is another word (C++, C#)
Variant = tuple[tuple[str, ...], str, str, str]     # (joints, suffix, prefix, term id) of one wording


class TermIndex:
    """Glossary wordings keyed by their lowercased word tuples, for longest-match-first lookup. Words joined by
    punctuation (Yu'e Bao, a.b) and a suffix (C++) are variants of the same word tuple, checked in the text."""

    def __init__(self, terms: dict[str, Term]) -> None:
        self.terms = terms
        self.keys: dict[tuple[str, ...], str | list[Variant]] = {}
        lengths: dict[str, set[int]] = {}
        for term in terms.values():
            if not term.autolink:
                continue
            for text in wordings(term):
                key = key_of(text)
                variants = self.keys.setdefault(key.words, []) if key.words else []
                if key.words and all(v[:3] != (key.joints, key.suffix, key.prefix) for v in variants):
                    variants.append((key.joints, key.suffix, key.prefix, term.id))
                    lengths.setdefault(key.words[0], set()).add(len(key.words))
        for words, variants in self.keys.items():
            variants.sort(key=lambda variant: -len(variant[1]) - len(variant[2]))    # C++ is tried before C
            plain = (" ",) * (len(words) - 1), "", ""
            if len(variants) == 1 and variants[0][:3] == plain:
                self.keys[words] = variants[0][3]     # the common case: a term id, words apart by spaces or hyphens
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
                variants = keys.get(tuple(words[i:i + size]))
                if not variants:
                    continue
                if ends is None:        # offsets are only needed once something matches
                    ends = list(accumulate(map(len, parts)))
                if variants.__class__ is str:   # one wording, its words apart by spaces or hyphens
                    after = ends[2 * (i + size) - 1]
                    if text[after:after + 1] not in JOINED_AFTER and (size == 1 or all(
                            GAP_RE.match(text, ends[2 * j + 1], ends[2 * j + 2]) for j in range(i, i + size - 1))):
                        found.append((ends[2 * i], after, variants))
                        next_free = i + size
                        break
                    continue
                match = _variant(text, ends, i, size, variants)
                if match:
                    found.append(match)
                    next_free = i + size
                    break
        return found


def _variant(text: str, ends: list[int], i: int, size: int, variants: list[Variant]) -> tuple[int, int, str] | None:
    """(start, end, term id) of the first variant whose joints, suffix and prefix the text has at words i to
    i+size-1. Word j spans ends[2j] to ends[2j + 1]; the gap after it, ends[2j + 1] to ends[2j + 2]."""
    begin, after = ends[2 * i], ends[2 * (i + size) - 1]
    for joints, suffix, prefix, term in variants:
        start = begin - len(prefix)
        if prefix and (start < 0 or text[start:begin].translate(APOSTROPHES) != prefix):
            continue
        for j, expected in zip(range(i, i + size - 1), joints):
            gap, gap_end = ends[2 * j + 1], ends[2 * j + 2]
            if not (GAP_RE.match(text, gap, gap_end) if expected == " " else joint(text[gap:gap_end]) == expected):
                break
        else:
            if suffix and text[after:after + len(suffix)].translate(APOSTROPHES) == suffix:
                return start, after + len(suffix), term
            if not suffix and text[after:after + 1] not in JOINED_AFTER:
                return start, after, term
    return None
