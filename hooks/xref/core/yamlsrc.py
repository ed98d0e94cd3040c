"""YAML read as nodes, keeping the place of every key and value for file:line:column messages: the data files (a
list of mappings) and a page's front matter (one mapping). Nothing is constructed here: the schema
(load/schema.py) reads each value from its node. Dates stay the text they are written as, and a key written twice
in one mapping (YAML keeps the last one silently) is a problem."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem

# libyaml's parser when PyYAML has it (ten times faster on a large glossary); marks carry lines either way.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _text_loader(base: type) -> type:
    """`base` (a safe loader), except that dates stay text: an impossible date (2023-02-30) is a value the
    schema reports with its place, not a ValueError from the timestamp constructor."""
    loader = type(f"Text{base.__name__}", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()}
    return loader


TextLoader = _text_loader(FastLoader)
SlowTextLoader = _text_loader(yaml.SafeLoader)    # pure Python: a syntax error is placed where it is seen
TIMESTAMP_RE = next(pattern for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values()
                    for tag, pattern in resolvers if tag == TIMESTAMP)   # what the standard loader reads as a date


@dataclass
class Entry:
    """One mapping: the value node of each key, the place of each key, and where the mapping starts. `offset`:
    lines of the file before the YAML (front matter starts on the file's second line)."""
    nodes: dict[str, yaml.Node] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    line: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    column: int = 1
    offset: int = 0

    def at(self, key: str) -> tuple[int, int]:
        """(line, column) of `key` in the file, or of the entry when the key is absent."""
        return self.lines.get(key, self.line), self.columns.get(key, self.column)

    def where(self, node: yaml.Node) -> tuple[int, int]:
        """(line, column) of a node inside the entry (an item of a list)."""
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1


def entry_of(node: yaml.MappingNode, label: str, offset: int = 0) -> tuple[Entry, list[Problem]]:
    """The Entry of one mapping node, and a problem for each key written twice in it."""
    entry = Entry(line=node.start_mark.line + 1 + offset, column=node.start_mark.column + 1, offset=offset)
    problems = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line, column = key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1
        if key in entry.nodes:
            problems.append(Problem(label, line, column, f"the key {key!r} is written twice in this entry (first "
                                    f"at line {entry.lines[key]}): YAML would keep only the last one",
                                    hint=f"Keep one '{key}:' line in the entry."))
        entry.nodes[key], entry.lines[key], entry.columns[key] = value_node, line, column
    return entry, problems


def compose(text: str, label: str, offset: int = 0, fast: bool = True) -> tuple[yaml.Node | None, list[Problem]]:
    """The root node of one YAML document (None when it is empty or not YAML), or the syntax problem. libyaml
    places some errors on the line after the mistake: the pure-Python parser says where it is."""
    loader = (TextLoader if fast else SlowTextLoader)(text)
    try:
        return loader.get_single_node(), []
    except yaml.YAMLError as error:
        if fast and FastLoader is not yaml.SafeLoader:
            return compose(text, label, offset, fast=False)
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(label, line, column, f"invalid YAML: {reason}",
                              hint="Fix the YAML (quote values that contain ': ', '[' or '#').")]
    finally:
        loader.dispose()


def read_text(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem saying it is missing or not UTF-8 (with the line of the first bad byte)."""
    if not path.is_file():
        return None, [Problem(label, 1, 1, "file not found", hint="Create it (see docs/contributing.md).")]
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(label, line, column, f"the file is not UTF-8 text (byte {data[error.start]:#04x})",
                              hint="Save it as UTF-8.")]


def load_entries(path: Path, label: str) -> tuple[list[Entry], list[Problem]]:
    """Parse `path` (shown as `label` in messages) as a list of mappings."""
    text, problems = read_text(path, label)
    if text is None:
        return [], problems
    root, problems = compose(text, label)
    if root is None:
        return [], problems
    if not isinstance(root, yaml.SequenceNode):
        return [], [Problem(label, root.start_mark.line + 1, 1,
                            "expected a list of entries (lines starting with '- ')")]
    entries = []
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(label, item.start_mark.line + 1, item.start_mark.column + 1,
                                    "expected an entry with keys (id: …)"))
            continue
        entry, found = entry_of(item, label)
        entries.append(entry)
        problems += found
    return entries, problems


def safe_load_text(text: str):
    """yaml.safe_load, except that dates stay text (for files read whole, such as essay/edition.yml)."""
    return yaml.load(text, Loader=TextLoader)


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
