"""Links from one Markdown page to another that lead nowhere, with the line and column MkDocs does not give."""
from __future__ import annotations

import posixpath
import re

from ..core.markdown_syntax import mask_markdown
from ..core.problems import Problem, did_you_mean, line_column
from ..core.urls import is_external

# An inline Markdown link to a .md file: [text](path.md), [text](path.md#anchor), [text](<path.md> "title").
PAGE_LINK = re.compile(r"\]\(\s*<?(?P<target>[^()\s<>#]+\.md)(?:#[^()\s<>]*)?>?(?:\s+\"[^\"]*\")?\s*\)")


def broken_page_links(raw: str, file: str, src: str, pages: set[str]) -> list[Problem]:
    """A Problem for each relative link in `raw` (the page `src`, shown as `file`) to a page not in `pages`."""
    return broken_links_in_masked(mask_markdown(raw)[0], file, src, pages)


def broken_links_in_masked(text: str, file: str, src: str, pages: set[str]) -> list[Problem]:
    """broken_page_links on text whose code mask_markdown has already blanked out."""
    problems = []
    for match in PAGE_LINK.finditer(text):
        target = match.group("target")
        if is_external(target) or target.startswith("/"):
            continue  # absolute links are MkDocs' own check (validation.absolute_links)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), target))
        if resolved in pages:
            continue
        line, column = line_column(text, match.start("target"))
        known = sorted(posixpath.relpath(page, posixpath.dirname(src) or ".") for page in pages)
        problems.append(Problem(file, line, column, f"the link to {target!r} leads to no page",
                                hint=did_you_mean(target, known, "Did you mean {!r}?")
                                + " Or refer to a page by id: [[ch:id]]."))
    return problems
