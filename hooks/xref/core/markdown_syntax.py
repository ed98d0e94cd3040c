"""The Markdown grammar the stages share: fenced code blocks, front matter, and code masked out of a page.

One fence grammar for every stage (the Markdown step that replaces ```d2 fences, and the checks that must not
read code as HTML), one front-matter reader, and the masking of code that keeps every line and column in place.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# An opening fence: indentation, optionally inside block quotes ("> "), three or more backticks or tildes, and
# the info string. A backtick fence's info string may not contain a backtick (CommonMark).
FENCE_RE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


class Fence(NamedTuple):
    indent: str     # what comes before the fence: spaces, tabs and block-quote markers
    marker: str     # the run of backticks or tildes
    info: str       # the info string, stripped

    @property
    def quoted(self) -> bool:
        """Inside a block quote."""
        return ">" in self.indent


def fence_opening(line: str) -> Fence | None:
    match = FENCE_RE.match(line)
    if not match or (match["fence"][0] == "`" and "`" in match["info"]):
        return None
    return Fence(match["indent"], match["fence"], match["info"].strip())


def fence_closes(line: str, fence: Fence) -> bool:
    """Whether `line` closes `fence`: the same character, at least as many, nothing after it."""
    body = line.strip().lstrip(">").strip() if fence.quoted else line.strip()
    return len(body) >= len(fence.marker) and set(body) == {fence.marker[0]}


# --- front matter ------------------------------------------------------------------------------------------------

FRONT_MATTER_FENCE = "---"


def front_matter_lines(raw: str) -> tuple[int, int] | None:
    """(first, end) line indexes of an opened front matter block: lines[1:end] is its YAML and lines[end] its
    closing line; end is -1 when it is never closed. None when the page has no front matter."""
    lines = raw.split("\n")
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in (FRONT_MATTER_FENCE, "...")), -1)
    return 1, end


def body_offset(raw: str, markdown: str) -> int:
    """Lines before the Markdown body in the source file (MkDocs strips the front matter and the blank lines
    after it)."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    block = front_matter_lines(raw)
    if block is None or block[1] < 0:
        return 0
    lines = raw.split("\n")
    end = block[1] + 1
    while end < len(lines) - 1 and lines[end] == "":
        end += 1
    return end


# --- code is text, not HTML: blank it out, keeping every line and column in place ----------------------------

# Lines after which an indented block is content (lists, admonitions, details, definitions), not code.
CONTAINER_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|!!!|\?\?\?|:\s|:::)")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
BACKTICK_RUN = re.compile(r"`+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def blank(text: str) -> str:
    """`text` with every character but line breaks replaced by a space."""
    return re.sub(r"[^\n]", " ", text)


def mask_code(lines: list[str]) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Blank fenced and indented code blocks. Returns the masked lines and each fence's (line, column, info)."""
    masked: list[str] = []
    fences: list[tuple[int, int, str]] = []
    fence: Fence | None = None
    in_container = previous_blank = False
    in_indented_code = False
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            if fence_closes(line, fence):
                fence = None
            masked.append(blank(line))
            continue
        opening = fence_opening(line)
        if opening:
            fence = opening
            fences.append((number, len(opening.indent) + 1, opening.info))
            masked.append(blank(line))
            continue
        indented = line.startswith(("    ", "\t")) and line.strip() != ""
        if indented and (in_indented_code or (previous_blank and not in_container)):
            in_indented_code = True
            masked.append(blank(line))
            continue
        if line.strip():
            in_indented_code = False
            if not indented:
                in_container = bool(CONTAINER_LINE.match(line))
        previous_blank = not line.strip()
        masked.append(line)
    return masked, fences


def mask_inline_code(text: str) -> str:
    """Blank out code spans: what INLINE_CODE matches, found from the runs of backticks alone (the pattern starts
    with a look-behind, so a regex search would try it at every position of the page)."""
    if "`" not in text:
        return text
    runs = [match.span() for match in BACKTICK_RUN.finditer(text)]
    pieces, done, k = [], 0, 0
    while k < len(runs):
        start, end = runs[k]
        # A span closes at the next run of the same length, if no blank line comes first.
        close = next((j for j in range(k + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start), None)
        if close is None or BLANK_LINE.search(text, end, runs[close][0]):
            k += 1
            continue
        pieces += [text[done:start], blank(text[start:runs[close][1]])]
        done, k = runs[close][1], close + 1
    return "".join(pieces) + text[done:]


def may_hold_code_blocks(text: str) -> bool:
    """False when `text` has no fence and no indented line, so that no line can be in a code block."""
    return any(mark in text for mark in ("```", "~~~", "\n    ", "\n\t")) or text.startswith(("    ", "\t"))


def mask_markdown(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with code blanked out (positions kept), and each fence's (line, column, info)."""
    if not may_hold_code_blocks(text):
        return mask_inline_code(text), []
    masked_lines, fences = mask_code(text.split("\n"))
    return mask_inline_code("\n".join(masked_lines)), fences
