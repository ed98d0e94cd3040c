"""Load a YAML list of mappings keeping the line of every entry and key, for file:line error messages."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, did_you_mean


# libyaml's parser when PyYAML has it (ten times faster on a large glossary); marks carry lines either way.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Entry:
    """One list item: its values, the line of each key, and the line where it starts."""
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    line: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    column: int = 1

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def at(self, key: str) -> tuple[int, int]:
        """(line, column) of `key` in the file, or of the entry when the key is absent."""
        return self.lines.get(key, self.line), self.columns.get(key, self.column)


def _plain(value: Any) -> Any:
    """Dates become ISO strings: the schema treats them as text."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_entries(path: Path, label: str) -> tuple[list[Entry], list[Problem]]:
    """Parse `path` (shown as `label` in messages) as a list of mappings."""
    if not path.is_file():
        return [], [Problem(label, 1, 1, "file not found", hint="Create it (see docs/contributing.md).")]
    text = path.read_text(encoding="utf-8")
    loader = FastLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return [], []
        if not isinstance(root, yaml.SequenceNode):
            return [], [Problem(label, root.start_mark.line + 1, 1, "expected a list of entries (lines starting with '- ')")]
        entries, problems = [], []
        for item in root.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                problems.append(Problem(label, line, item.start_mark.column + 1, "expected an entry with keys (id: …)"))
                continue
            entry = Entry({}, {}, line, {}, item.start_mark.column + 1)
            for key_node, value_node in item.value:
                key = str(key_node.value)
                entry.lines[key] = key_node.start_mark.line + 1
                entry.columns[key] = key_node.start_mark.column + 1
                entry.values[key] = _plain(loader.construct_object(value_node, deep=True))
            entries.append(entry)
        return entries, problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [Problem(label, line, column, f"invalid YAML: {getattr(error, 'problem', error)}")]
    finally:
        loader.dispose()


def index_by_id(entries: list[Entry], make, label: str, kind: str, problems: list[Problem]) -> dict:
    """The objects `make(entry)` returns (None for an invalid entry), keyed by their id; a repeated id is a
    problem that names where the id was first defined."""
    items: dict = {}
    for entry in entries:
        item = make(entry)
        if item is None:
            continue
        if item.id in items:
            problems.append(Problem(label, *entry.at("id"), f"duplicate {kind} id {item.id!r}",
                                    hint=f"First defined at {label}:{items[item.id].line}."))
            continue
        items[item.id] = item
    return items


def key_problems(entry: Entry, label: str, kind: str, required: tuple, optional: tuple) -> list[Problem]:
    """Unknown keys (with a did-you-mean) and missing or empty required keys of one list entry."""
    values = entry.values
    problems = [Problem(label, *entry.at(key), f"unknown key {key!r}", hint=did_you_mean(key, required + optional))
                for key in values if key not in required + optional]
    problems += [Problem(label, entry.line, entry.column,
                         f"{kind} entry {values.get('id', '?')!r} lacks required key {key!r}",
                         hint=f"See the {kind} schema in docs/contributing.md.")
                 for key in required if _empty(values.get(key))]
    return problems


def _empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())
