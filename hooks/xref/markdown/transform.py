"""The line-based Markdown pass: `::: essay N` quotations, ```d2 fences and `<!-- xref:NAME -->` markers are
replaced through callbacks; everything inside other fenced code blocks is left alone (the fence grammar is
core/markdown_syntax.py's, the same the checks use)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..core.markdown_syntax import fence_closes, fence_opening, mask_inline_code

ESSAY_RE = re.compile(r"^\s*:::\s*essay\s+(?P<number>\S+)\s*$")
MARKER_RE = re.compile(r"^\s*<!--\s*xref:(?P<name>[a-z-]+)\s*-->\s*$")
# What looks like a quotation line or a marker but is neither: published as it stands, so reported.
LIKE_ESSAY_RE = re.compile(r"^\s*:::")
LIKE_MARKER_RE = re.compile(r"<!--\s*xref", re.IGNORECASE)


@dataclass
class Handlers:
    """Callbacks; each gets the 1-based line in the Markdown it was given and returns replacement Markdown."""
    essay: Callable[[str, int], str]
    diagram: Callable[[str, str, int], str]
    marker: Callable[[str, int], str | None]
    malformed: Callable[[str, str, int], None] = lambda kind, line, number: None   # "quotation" or "marker"


def _opens_comment(line: str) -> bool:
    """Whether an HTML comment opened on `line` is still open at its end."""
    start = line.rfind("<!--")
    return start >= 0 and "-->" not in line[start + 4:]


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
        prose = mask_inline_code(line) if "`" in line else line    # `<!--` in a code span opens nothing
        if _opens_comment(prose):    # nothing inside an HTML comment is quoted or replaced: it is not shown
            end = index + 1
            while end < len(lines) and "-->" not in lines[end]:
                end += 1
            out += lines[index:end + 1]
            index = end + 1
            continue
        essay = ESSAY_RE.match(line)
        marker = MARKER_RE.match(line)
        if not essay and LIKE_ESSAY_RE.match(prose):
            handlers.malformed("quotation", line, index + 1)
        elif not marker and LIKE_MARKER_RE.search(prose):
            handlers.malformed("marker", line, index + 1)
        if essay:
            out += ["", handlers.essay(essay["number"], index + 1), ""]
        elif marker and (replacement := handlers.marker(marker["name"], index + 1)) is not None:
            out += ["", replacement, ""]
        else:
            out.append(line)
        index += 1
    return "\n".join(out)
