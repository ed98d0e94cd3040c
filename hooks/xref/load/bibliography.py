"""data/bibliography.yml: load and validate the sources the handbook cites."""
from __future__ import annotations

from pathlib import Path

from ..core.model import Source
from ..core.problems import Problem
from ..core.yamlsrc import Entry, index_by_id, load_entries
from .schema import validate
from .schemas import BIBLIOGRAPHY


def load_bibliography(path: Path, label: str) -> tuple[dict[str, Source], list[Problem]]:
    entries, problems = load_entries(path, label)
    sources = index_by_id(entries, lambda entry: _source(entry, label, problems), label, "source", problems)
    return sources, problems


def _source(entry: Entry, label: str, problems: list[Problem]) -> Source | None:
    """The entry as a Source (without the optional values that break the schema, load/schemas.py: BIBLIOGRAPHY),
    or None when a required value is missing or invalid. The date is as far as known; undated is "n.d."."""
    values, found = validate(entry, BIBLIOGRAPHY, label)
    problems += found
    if not BIBLIOGRAPHY.complete(values):
        return None
    return Source(id=values["id"], publisher=values["publisher"], title=values["title"],
                  date=values.get("date", ""), author=values.get("author", ""), url=values.get("url", ""),
                  note=values.get("note", ""), line=entry.line)
