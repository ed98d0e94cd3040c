"""The essay's words as quotations are checked against them: each paragraph's reading text (the declared repairs
applied), where a quoted run of words stands, its sentence, and the closest passage when it stands nowhere.

Straight and curly quotation marks and apostrophes count as the same; every other character must be the essay's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .essay import Essay, missing_spaces

MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                       "‘": "'", "’": "'", "‚": "'", "‛": "'", "\u00a0": " "})
WORD_RE = re.compile(r"[\w'’-]+")
# A double-quoted run in prose, on one line: “…” or "…" (the text inside has no double quotation mark).
QUOTED_RE = re.compile(r"[“\"](?P<words>[^“”\"\n]{4,400}?)[”\"]")
LETTERS_RE = re.compile(r"[^\W\d_][\w'’-]*")
MIN_WORDS = 3        # fewer quoted words are a term or a phrase, not a quotation to check
SENTENCE_END_RE = re.compile(r"(?<=[.?!;])\s+")
SUFFIXES = ("ly", "ing", "ed", "es", "s")     # enough to see "profoundly" in "profound", "brings" in "bring"


def quoted_runs(text: str):
    """(start, end, words) of each double-quoted run of MIN_WORDS words or more in `text`."""
    for match in QUOTED_RE.finditer(text):
        words = match["words"].strip()
        if len(LETTERS_RE.findall(words)) >= MIN_WORDS:
            yield match.start(), match.end(), words


def normalise(text: str) -> str:
    """`text` with quotation marks made straight and runs of white space made one space."""
    return " ".join(text.translate(MARKS).split())


def reading_text(text: str) -> str:
    """A paragraph as readers see it: each missing space the edition repairs inserted."""
    out, last = [], 0
    for offset in missing_spaces(text):
        out += [text[last:offset], " "]
        last = offset
    return "".join(out) + text[last:]


@dataclass(frozen=True)
class Passage:
    paragraph: int
    text: str            # the essay's words, as they stand
    sentence: str = ""   # the sentence they come from


class Passages:
    """The reading text of every paragraph, searchable."""

    def __init__(self, essay: Essay) -> None:
        self.texts = {number: reading_text(p.text) for number, p in essay.paragraphs.items()}
        self.normal = {number: normalise(text) for number, text in self.texts.items()}
        # Also found, not offered as the closest passage: the text as published (a quotation may show a
        # repaired fault) and the essay's own headings (by the paragraph they stand before).
        self.also = {number: [normalise(p.text), normalise(p.heading)] for number, p in essay.paragraphs.items()}
        self.words = {number: _words(text) for number, text in self.normal.items()}   # (spans, stems)
        self.stem_sets = {number: set(stems) for number, (_, stems) in self.words.items()}

    def find(self, words: str) -> list[int]:
        """The paragraphs in which `words` stand verbatim (a capital or small first letter either way: a
        quotation may begin a sentence that the essay's words do not)."""
        wanted = normalise(words)
        if not wanted:
            return []
        forms = {wanted, wanted[0].swapcase() + wanted[1:]}
        return [number for number, text in self.normal.items()
                if any(form in text or any(form in other for other in self.also[number] if other) for form in forms)]

    def sentence(self, number: int, words: str) -> str:
        """The sentence of ¶number in which `words` stand (the whole paragraph if they span sentences)."""
        wanted = normalise(words)
        for sentence in SENTENCE_END_RE.split(self.normal.get(number, "")):
            if wanted in sentence:
                return sentence
        return self.normal.get(number, "")

    def closest(self, words: str, paragraph: int | None = None, floor: float = 0.5) -> tuple[Passage | None, float]:
        """The passage of the essay most like `words` (in ¶paragraph first, if given), and how much of `words`
        it matches (0 to 1), word by word with simple endings ignored; (None, 0.0) below `floor`."""
        wanted = [_stem(w) for w in WORD_RE.findall(normalise(words).lower())]
        if not wanted:
            return None, 0.0
        best: tuple[float, int, Passage | None] = (floor, -1, None)   # (share, in ¶paragraph, passage)
        for number, text in self.normal.items():
            shared = sum(1 for stem in wanted if stem in self.stem_sets[number])
            if shared / len(wanted) < best[0]:
                continue        # fewer of the words stand in it at all than the best run found matches
            found = _best_run(text, *self.words[number], wanted)
            if found is None:
                continue
            score, passage = found
            rank = (score, 1 if number == paragraph else 0)
            if rank > best[:2]:
                best = (score, rank[1], Passage(number, passage, self.sentence(number, passage)))
        return (best[2], best[0]) if best[2] is not None else (None, 0.0)


    def nearest_phrase(self, words: str, number: int) -> str:
        """The run of ¶number's words, as many as in `words`, that reads most like them letter by letter (for a
        lemma with a slip: "C-terminal trafic")."""
        spans, _ = self.words.get(number, ([], []))
        size = max(1, len(WORD_RE.findall(words)))
        text, wanted = self.normal.get(number, ""), normalise(words).lower()
        runs = (text[spans[i][0]:spans[i + size - 1][1]] for i in range(len(spans) - size + 1))
        return max(runs, key=lambda run: SequenceMatcher(None, run.lower(), wanted).ratio(), default="")


def _stem(word: str) -> str:
    word = word.replace("’", "'")
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    return spans, [_stem(text[a:b].lower()) for a, b in spans]


def _best_run(text: str, spans: list[tuple[int, int]], stems: list[str],
              wanted: list[str]) -> tuple[float, str] | None:
    """The run of `text`'s words that matches most of `wanted` in order: (share matched, the run as written)."""
    matcher = SequenceMatcher(None, stems, wanted, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    # The densest cluster of matching blocks: those within a few words of each other.
    best, cluster = None, []
    for block in blocks + [None]:
        if block is not None and cluster and block.a - (cluster[-1].a + cluster[-1].size) <= 3:
            cluster.append(block)
            continue
        if cluster:
            matched = sum(b.size for b in cluster)
            if best is None or matched > best[0]:
                best = (matched, cluster[0].a, cluster[-1].a + cluster[-1].size)
        cluster = [block] if block is not None else []
    matched, start, end = best
    return matched / len(wanted), text[spans[start][0]:spans[end - 1][1]]
