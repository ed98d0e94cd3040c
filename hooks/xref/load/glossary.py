"""data/glossary.yml: load and validate the glossary, and derive the wordings that link to each entry."""
from __future__ import annotations

import re
from pathlib import Path

from ..core.model import Source, Term
from ..core.problems import Problem, did_you_mean
from ..core.yamlsrc import Entry, index_by_id, key_problems, load_entries

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("id", "term", "short", "definition", "sources")
OPTIONAL = ("aliases", "chinese", "pinyin", "related", "autolink")
WORD_RE = re.compile(r"\w+")


def load_glossary(path: Path, label: str, sources: dict[str, Source]) -> tuple[dict[str, Term], list[Problem]]:
    entries, problems = load_entries(path, label)
    terms = index_by_id(entries, lambda entry: _term(entry, label, problems), label, "glossary", problems)
    by_line = {entry.line: entry for entry in entries}
    for term in terms.values():
        entry = by_line[term.line]
        for related in term.related:
            if related not in terms:
                problems.append(Problem(label, *entry.at("related"), f"{term.id}: unknown related term {related!r}",
                                        hint=did_you_mean(related, terms)))
        for source in term.sources:
            if source not in sources:
                problems.append(Problem(label, *entry.at("sources"),
                                        f"{term.id}: unknown source {source!r} (not in data/bibliography.yml)",
                                        hint=did_you_mean(source, sources)))
    problems.extend(_clashing_wordings(terms, label))
    return terms, problems


def _as_list(value, key: str, entry: Entry, label: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(label, *entry.at(key), f"{key!r} must be a list of strings, like [a, b]"))
        return []
    return value


def _term(entry: Entry, label: str, problems: list[Problem]) -> Term | None:
    values = entry.values
    before = len(problems)
    problems.extend(key_problems(entry, label, "glossary", REQUIRED, OPTIONAL))
    term_id = str(values.get("id") or "")
    if term_id and not ID_RE.match(term_id):
        problems.append(Problem(label, *entry.at("id"), f"glossary id {term_id!r} must be lowercase letters, "
                                "digits and hyphens", hint=f"Try {re.sub(r'[^a-z0-9]+', '-', term_id.lower()).strip('-')!r}."))
    short = str(values.get("short") or "")
    if "\n" in short.strip():
        problems.append(Problem(label, *entry.at("short"), f"{term_id}: 'short' must be one line (it is the tooltip)"))
    if "autolink" in values and not isinstance(values["autolink"], bool):
        problems.append(Problem(label, *entry.at("autolink"), f"{term_id}: 'autolink' must be true or false"))
    aliases = _as_list(values.get("aliases"), "aliases", entry, label, problems)
    related = _as_list(values.get("related"), "related", entry, label, problems)
    sources = _as_list(values.get("sources"), "sources", entry, label, problems)
    if len(problems) > before:
        return None
    return Term(id=term_id, term=str(values["term"]), short=short.strip(), definition=str(values["definition"]),
                sources=sources, aliases=aliases, chinese=str(values.get("chinese") or ""),
                pinyin=str(values.get("pinyin") or ""), related=related,
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


def key_of(text: str) -> tuple[str, ...]:
    """How a wording is looked up: its lowercased words (hyphens and spaces alike separate words)."""
    return tuple(word.lower() for word in WORD_RE.findall(text))


def _clashing_wordings(terms: dict[str, Term], label: str) -> list[Problem]:
    seen: dict[tuple[str, ...], str] = {}
    problems = []
    for term in terms.values():
        for text in [term.term, *term.aliases]:
            key = key_of(text)
            owner = seen.setdefault(key, term.id)
            if owner != term.id:
                problems.append(Problem(label, term.line, 1, f"{term.id}: the wording {text!r} also links to {owner!r}",
                                        hint="Each name or alias may belong to one entry only."))
    return problems
