"""data/bibliography.yml: load and validate the sources the handbook cites."""
from __future__ import annotations

import re
from pathlib import Path

from ..core.model import Source
from ..core.problems import Problem
from ..core.yamlsrc import Entry, index_by_id, key_problems, load_entries

ID_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
REQUIRED = ("id", "publisher", "title")
OPTIONAL = ("date", "author", "url", "note")  # date: as far as known; undated is "n.d."


def load_bibliography(path: Path, label: str) -> tuple[dict[str, Source], list[Problem]]:
    entries, problems = load_entries(path, label)
    sources = index_by_id(entries, lambda entry: _source(entry, label, problems), label, "source", problems)
    return sources, problems


def _source(entry: Entry, label: str, problems: list[Problem]) -> Source | None:
    values = entry.values
    before = len(problems)
    problems.extend(key_problems(entry, label, "source", REQUIRED, OPTIONAL))
    source_id = str(values.get("id") or "")
    if source_id and not ID_RE.match(source_id):
        problems.append(Problem(label, *entry.at("id"), f"source id {source_id!r} is not lowercase letters, "
                                "digits and hyphens"))
    date = str(values.get("date") or "")
    if date and not DATE_RE.match(date):
        problems.append(Problem(label, *entry.at("date"), f"date {date!r} is not YYYY-MM-DD, YYYY-MM or YYYY"))
    if len(problems) > before:
        return None
    return Source(id=source_id, publisher=str(values["publisher"]), title=str(values["title"]), date=date,
                  author=str(values.get("author") or ""), url=str(values.get("url") or ""),
                  note=str(values.get("note") or ""), line=entry.line)
