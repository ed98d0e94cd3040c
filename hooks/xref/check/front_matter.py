"""Checking a page's YAML front matter, which MkDocs silently ignores when it is malformed: its syntax, and the
type of every key the engine reads (load/schemas.py: FRONT_MATTER)."""
from __future__ import annotations

import yaml

from ..core.markdown_syntax import front_matter_lines
from ..core.problems import Problem
from ..core.yamlsrc import TIMESTAMP_RE, compose, entry_of
from ..load.schema import validate
from ..load.schemas import FRONT_MATTER


def front_matter_problems(raw: str, file: str) -> list[Problem]:
    """Every problem of the page's front matter: unterminated, not YAML, not a mapping, a key written twice, a
    value MkDocs cannot read, or a key the engine reads with a value of the wrong type."""
    block = front_matter_lines(raw)
    if block is None:
        return []
    end = block[1]
    if end < 0:
        return [Problem(file, 1, 1, "the front matter opened here is never closed",
                        hint="End it with a line '---' after the last key.")]
    root, problems = compose("\n".join(raw.split("\n", end)[1:end]), file, offset=1)
    if problems:
        problem = problems[0]
        return [Problem(file, problem.line, problem.column,
                        problem.message.replace("invalid YAML", "the front matter is not valid YAML"),
                        hint="Fix the YAML between the '---' lines (quote values that contain ': ', '[' or '#').")]
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        return [Problem(file, 2, 1, "the front matter must be 'key: value' lines",
                        hint="Write e.g. 'title: My page' between the '---' lines.")]
    entry, problems = entry_of(root, file, offset=1)
    problems += _impossible_dates(root, file)
    _, found = validate(entry, FRONT_MATTER, file)
    return problems + found


def front_matter_problem(raw: str, file: str) -> Problem | None:
    """The first problem of the page's front matter, or None."""
    return next(iter(front_matter_problems(raw, file)), None)


def _impossible_dates(node: yaml.Node, file: str) -> list[Problem]:
    """MkDocs reads front matter with PyYAML, whose date constructor fails on 2023-02-30: MkDocs then drops the
    whole front matter without a word. Each such value (a plain scalar: our loader keeps dates as text), with its
    place."""
    if isinstance(node, yaml.MappingNode):
        return [p for pair in node.value for child in pair for p in _impossible_dates(child, file)]
    if isinstance(node, yaml.SequenceNode):
        return [p for child in node.value for p in _impossible_dates(child, file)]
    if node.style not in (None, "") or not TIMESTAMP_RE.match(node.value):
        return []
    try:
        yaml.SafeLoader("").construct_yaml_timestamp(node)
    except ValueError:
        return [Problem(file, node.start_mark.line + 2, node.start_mark.column + 1,
                        f"{node.value!r} reads as a date but there is no such day: MkDocs would ignore the whole "
                        "front matter", hint=f"Fix the date, or quote it: \"{node.value}\".")]
    return []

