"""The schema of the data files and of page front matter, declared once (load/schemas.py holds the declarations):
per field its type, whether it is required, the values it allows and what the build says otherwise. A mapping is
validated on its YAML nodes (core/yamlsrc.py), so that every message has the line and column it is about.

Types (Field.kind):
  text     any YAML scalar, read as written (data files: `date: 2015-07-18` and `id: 2019` stay text)
  string   a YAML string (front matter, which MkDocs reads itself: `title: yes` would be a yes/no value)
  line     text on one line
  list     a list of texts, `[a, b]` (one text alone is a list of one)
  bool     true or false
  int      a whole number, not true or false, at least Field.minimum
  mapping  a mapping, whose keys are Field.fields
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import yaml

from ..core.problems import Problem, did_you_mean
from ..core.yamlsrc import Entry, entry_of

STR, BOOL, INT, NULL = (f"tag:yaml.org,2002:{name}" for name in ("str", "bool", "int", "null"))
Rule = Callable[[str], "tuple[str, str] | None"]   # a text's further check: (what is wrong, what to do), or None


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    required: bool = False
    rule: Rule | None = None         # for text (and each item of a list)
    minimum: int | None = None       # for int
    fields: tuple[Field, ...] = ()   # for mapping
    about: str = ""                  # what it is: said in its "must be one line" message, and in the guide


@dataclass(frozen=True)
class Schema:
    kind: str                        # how messages name an entry: "glossary", "source", "front matter"
    fields: tuple[Field, ...]
    closed: bool = True              # an unknown key is a problem (front matter: MkDocs and Material read others)
    guide: str = ""                  # the hint of a missing required key

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def complete(self, values: dict[str, Any]) -> bool:
        """Whether every required field has a valid value: the entry can stand (its other problems are reported
        and fail the build, but references to it still resolve, so that one mistake gives one message)."""
        return all(f.name in values for f in self.fields if f.required)


# What each kind asks for, and what to do when a value is of another type.
WANTS = {"text": "text", "string": "text", "line": "one line of text", "list": "a list of texts, like [a, b]",
         "bool": "true or false", "int": "a whole number", "mapping": "keys with values (key: value)"}
TODO = {"text": "Write a single text after '{name}:'; quote it if it starts with '[' or '{{' (a list would be "
                "published as ['a', 'b']).",
        "string": "Write a text after '{name}:', in quotes if YAML reads it otherwise: {name}: \"{value}\".",
        "line": "Write a single text after '{name}:'.",
        "list": "Write {name}: [a, b], each item a text.",
        "bool": "Write {name}: true or {name}: false, without quotes.",
        "int": "Write a number without quotes, like {name}: 3.",
        "mapping": "Write the keys on indented lines below '{name}:'."}


def _is_null(node: yaml.Node) -> bool:
    """No value, or a blank text: the field is left out."""
    return isinstance(node, yaml.ScalarNode) and (node.tag == NULL or not node.value.strip())


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "keys with values"
    if node.tag == BOOL:
        return f"{node.value} (YAML reads it as a yes/no value)"
    if node.tag == INT or node.tag.endswith(":float"):
        return f"the number {node.value}"
    return repr(node.value)


class Validation:
    """The values of one mapping checked against a schema, and every problem found. Messages about a data file's
    entry start with its id ("fintech: 'short' must be one line"); a nested key is named "search.exclude"."""

    def __init__(self, schema: Schema, label: str) -> None:
        self.schema, self.label = schema, label
        self.problems: list[Problem] = []
        self.id = ""

    def entry(self, entry: Entry) -> dict[str, Any]:
        """The valid values of `entry` by key; a field with a problem is left out."""
        schema = self.schema
        id_node = entry.nodes.get("id")
        self.id = id_node.value if isinstance(id_node, yaml.ScalarNode) else ""
        if schema.closed:
            for key in entry.nodes:
                if key not in schema.names:
                    self.add(entry.at(key), f"unknown key {key!r}", did_you_mean(key, [f.name for f in schema.fields]))
        return self.fields(entry, schema.fields)

    @property
    def who(self) -> str:
        return f"{self.id}: " if self.id and self.schema.closed else ""

    def fields(self, entry: Entry, fields: tuple[Field, ...], prefix: str = "") -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in fields:
            node = entry.nodes.get(spec.name)
            if node is None or _is_null(node) or (isinstance(node, yaml.SequenceNode) and not node.value):
                if spec.required:
                    self.add((entry.line, entry.column), f"{self.schema.kind} entry {self.id or '?'!r} lacks "
                             f"required key {spec.name!r}", self.schema.guide)
                continue
            value = self.value(spec, prefix + spec.name, node, entry)
            if value is not None:
                values[spec.name] = value
        return values

    def value(self, spec: Field, name: str, node: yaml.Node, entry: Entry) -> Any:
        kind, at = spec.kind, entry.at(spec.name)
        if kind == "mapping" and isinstance(node, yaml.MappingNode):
            inner, found = entry_of(node, self.label, entry.offset)
            self.problems += found
            known = [f.name for f in spec.fields]
            for key in inner.nodes:
                if key not in known:
                    self.add(inner.at(key), f"unknown key {key!r} in {name!r}", did_you_mean(key, known))
            return self.fields(inner, spec.fields, f"{name}.")
        if kind == "list" and isinstance(node, yaml.SequenceNode):
            items = [self.text(spec, name, item, entry.where(item), "an item of ") for item in node.value]
            return None if None in items else items
        if kind in ("list", "text", "string", "line") and isinstance(node, yaml.ScalarNode):
            text = self.text(spec, name, node, at)
            return [text] if kind == "list" and text is not None else text
        if kind == "bool" and isinstance(node, yaml.ScalarNode) and node.tag == BOOL:
            return node.value.lower() in ("true", "yes", "on")
        if kind == "int" and isinstance(node, yaml.ScalarNode) and node.tag == INT:
            try:
                number = int(node.value.replace("_", ""))
            except ValueError:             # 0x1F, 0o17: YAML integers, but not how anyone writes a chapter
                number = None
            if number is None or (spec.minimum is not None and number < spec.minimum):
                least = f" from {spec.minimum}" if spec.minimum is not None else ""
                self.add(at, f"{self.who}{name!r} must be a whole number{least}, not {node.value}",
                         TODO["int"].format(name=spec.name))
                return None
            return number
        self.wrong_type(spec, name, node, at)
        return None

    def text(self, spec: Field, name: str, node: yaml.Node, at: tuple[int, int], part: str = "") -> str | None:
        """A scalar's text, checked against the kind and the field's rule."""
        if not isinstance(node, yaml.ScalarNode) or _is_null(node) or (spec.kind == "string" and node.tag != STR):
            self.wrong_type(spec, name, node, at, part)
            return None
        text = node.value.strip() if spec.kind == "line" else node.value
        if spec.kind == "line" and "\n" in text:
            why = f" ({spec.about})" if spec.about else ""
            self.add(at, f"{self.who}{name!r} must be one line{why}", TODO["line"].format(name=spec.name))
            return None
        broken = spec.rule(text) if spec.rule else None
        if broken:
            who = "" if spec.name == "id" else self.who
            self.add(at, f"{who}{broken[0]}", broken[1].replace("{id}", self.id or "ID"))
            return None
        return text

    def wrong_type(self, spec: Field, name: str, node: yaml.Node, at: tuple[int, int], part: str = "") -> None:
        value = node.value if isinstance(node, yaml.ScalarNode) else "…"
        todo = TODO["list" if part else spec.kind].format(name=spec.name, value=value)
        who = "" if spec.name == "id" else self.who
        self.add(at, f"{who}{part}{name!r} must be {'text' if part else WANTS[spec.kind]}, not {_describe(node)}",
                 todo)

    def add(self, at: tuple[int, int], message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.label, at[0], at[1], message, hint=hint))


def validate(entry: Entry, schema: Schema, label: str) -> tuple[dict[str, Any], list[Problem]]:
    """The valid values of one mapping by key, and its problems."""
    check = Validation(schema, label)
    values = check.entry(entry)
    return values, check.problems
