"""Checking a page's YAML front matter, which MkDocs silently ignores when it is malformed."""
from __future__ import annotations

import yaml

from ..core.markdown_syntax import front_matter_lines
from ..core.problems import Problem


def front_matter_problem(raw: str, file: str) -> Problem | None:
    """A Problem when the page opens a front-matter block that is unterminated, not YAML, or not a mapping."""
    block = front_matter_lines(raw)
    if block is None:
        return None
    lines, end = raw.split("\n"), block[1]
    if end < 0:
        return Problem(file, 1, 1, "the front matter opened here is never closed",
                       hint="End it with a line '---' after the last key.")
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 2, mark.column + 1) if mark else (2, 1)
        reason = getattr(error, "problem", None) or str(error)
        return Problem(file, line, column, f"the front matter is not valid YAML: {reason}",
                       hint="Fix the YAML between the '---' lines (quote values that contain ': ', '[' or '#').")
    if data is not None and not isinstance(data, dict):
        return Problem(file, 2, 1, "the front matter must be 'key: value' lines",
                       hint="Write e.g. 'title: My page' between the '---' lines.")
    return None
