"""The line-based Markdown pass: `::: essay N` quotations, ```d2 fences and `<!-- xref:NAME -->` markers are
replaced through callbacks; everything inside other fenced code blocks is left alone (the fence grammar is
core/markdown_syntax.py's, the same the checks use)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..core.markdown_syntax import fence_closes, fence_opening

ESSAY_RE = re.compile(r"^\s*:::\s*essay\s+(?P<number>\S+)\s*$")
MARKER_RE = re.compile(r"^\s*<!--\s*xref:(?P<name>[a-z-]+)\s*-->\s*$")


@dataclass
class Handlers:
    """Callbacks; each gets the 1-based line in the Markdown it was given and returns replacement Markdown."""
    essay: Callable[[str, int], str]
    diagram: Callable[[str, str, int], str]
    marker: Callable[[str, int], str | None]


def transform(markdown: str, handlers: Handlers) -> str:
    if not any(mark in markdown for mark in (":::", "```", "~~~", "<!--")):
        return markdown     # nothing to replace: most pages of a large handbook
    lines = markdown.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = fence_opening(line)
        if fence:
            end = index + 1
            while end < len(lines) and not fence_closes(lines[end], fence):
                end += 1
            info = fence.info
            if re.match(r"^d2(\s|$)", info) and not fence.quoted:
                body = "\n".join(lines[index + 1:end])
                out += ["", handlers.diagram(info[2:].strip(), body, index + 1), ""]
            else:
                out += lines[index:end + 1]
            index = end + 1
            continue
        essay = ESSAY_RE.match(line)
        marker = MARKER_RE.match(line)
        if essay:
            out += ["", handlers.essay(essay["number"], index + 1), ""]
        elif marker and (replacement := handlers.marker(marker["name"], index + 1)) is not None:
            out += ["", replacement, ""]
        else:
            out.append(line)
        index += 1
    return "\n".join(out)
