"""data/glossary.yml: load and validate the glossary, and derive the wordings that link to each entry."""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from ..core.model import Source, Term
from ..core.problems import Problem, did_you_mean
from ..core.yamlsrc import Entry, index_by_id, load_entries
from .schema import validate
from .schemas import GLOSSARY

WORD_RE = re.compile(r"(\w+)")                    # split() keeps the words at odd positions
SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011]+")   # what may stand between the words of one wording
SPACES_RE = re.compile(r"\s+")
PLAIN_RE = re.compile(r"\w+(?: \w+)*")
APOSTROPHES = str.maketrans("\u2019\u2018\u02bc\u2032", "'" * 4)  # Yu’e Bao is Yu'e Bao


def load_glossary(path: Path, label: str, sources: dict[str, Source]) -> tuple[dict[str, Term], list[Problem]]:
    entries, problems = load_entries(path, label)
    terms = index_by_id(entries, lambda entry: _term(entry, label, problems), label, "glossary", problems)
    by_line = {entry.line: entry for entry in entries}
    invalid = {getattr(entry.nodes.get("id"), "value", None) for entry in entries} - set(terms)  # reported already
    for term in terms.values():
        entry = by_line[term.line]
        for related in term.related:
            if related not in terms and related not in invalid:
                problems.append(Problem(label, *entry.at("related"), f"{term.id}: unknown related term {related!r}",
                                        hint=did_you_mean(related, terms)))
        for source in term.sources:
            if source not in sources:
                problems.append(Problem(label, *entry.at("sources"),
                                        f"{term.id}: unknown source {source!r} (not in data/bibliography.yml)",
                                        hint=did_you_mean(source, sources)))
    problems.extend(_clashing_wordings(terms, label))
    return terms, problems


def _term(entry: Entry, label: str, problems: list[Problem]) -> Term | None:
    """The entry as a Term (without the optional values that break the schema, load/schemas.py: GLOSSARY), or
    None when a required value is missing or invalid."""
    values, found = validate(entry, GLOSSARY, label)
    problems += found
    if not GLOSSARY.complete(values):
        return None
    return Term(id=values["id"], term=values["term"], short=values["short"], definition=values["definition"],
                sources=values["sources"], aliases=values.get("aliases", []), chinese=values.get("chinese", ""),
                pinyin=values.get("pinyin", ""), related=values.get("related", []),
                autolink=values.get("autolink", True), line=entry.line)


def plurals(word: str) -> list[str]:
    """English plurals of a wording's last word; "-ch" gets both forms (churches, fintechs)."""
    lower = word.lower()
    if re.search(r"[^aeiou]y$", lower):
        return [word[:-1] + "ies"]
    if lower.endswith("ch"):
        return [word + "es", word + "s"]
    if re.search(r"(s|x|z|sh)$", lower):
        return [word + "es"]
    return [word + "s"]


def wordings(term: Term) -> list[str]:
    """The term, its aliases and their plurals (the plural is formed on the last word)."""
    result: list[str] = []
    for text in [term.term, *term.aliases]:
        result.append(text)
        if text and text[-1].isascii() and text[-1].isalpha():
            result.extend(plurals(text))
    return result


class Key(NamedTuple):
    """How a wording is looked up: its lowercased words; what joins each to the next (" " for spaces and
    hyphens, else the punctuation as written: Yu'e Bao is the words yu, e, bao joined by "'" and " "); what
    follows the last word (C++: "++"), so that "C++" never links a lone "C"; and what comes before the first
    (.NET: ".")."""
    words: tuple[str, ...]
    joints: tuple[str, ...]
    suffix: str
    prefix: str = ""


def joint(gap: str) -> str:
    """The text between two words, as compared: " " when it is only spaces and hyphens; else as written, with
    apostrophes alike and each run of spaces as one."""
    if SEPARATORS_RE.fullmatch(gap):
        return " "
    return SPACES_RE.sub(" ", gap.translate(APOSTROPHES))


def key_of(text: str) -> Key:
    if PLAIN_RE.fullmatch(text):             # the common case: words and single spaces
        words = tuple(text.lower().split(" "))
        return Key(words, (" ",) * (len(words) - 1), "")
    parts = WORD_RE.split(text.strip())      # gap, word, gap, word, …, gap
    words = tuple(word.lower() for word in parts[1::2])
    if not words:
        return Key((), (), "")
    return Key(words, tuple(joint(gap) for gap in parts[2:-1:2]), parts[-1].translate(APOSTROPHES),
               parts[0].translate(APOSTROPHES))


def _clashing_wordings(terms: dict[str, Term], label: str) -> list[Problem]:
    seen: dict[Key, str] = {}
    problems = []
    for term in terms.values():
        for text in [term.term, *term.aliases]:
            key = key_of(text)
            owner = seen.setdefault(key, term.id)
            if owner != term.id:
                problems.append(Problem(label, term.line, 1, f"{term.id}: the wording {text!r} also links to {owner!r}",
                                        hint="Each name or alias may belong to one entry only."))
    return problems
