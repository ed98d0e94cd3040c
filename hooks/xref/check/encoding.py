"""Pages that cannot be read as text: MkDocs would stop on them with a traceback, so they are checked first and
reported like every other problem (file:line:column, what is wrong, what to do)."""
from __future__ import annotations

import codecs
from collections.abc import Iterable

from ..core.problems import Problem

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def encoding_problem(file: str, content: bytes) -> Problem | None:
    """Why `content` (a page's bytes; `file`: its label in messages) is not a UTF-8 text file, or None."""
    if content.startswith(UTF16_BOMS):
        return Problem(file, 1, 1, "the page is saved as UTF-16", hint="Save it as UTF-8.")
    nul = content.find(b"\0")
    if nul >= 0:
        line, column = _place(content, nul)
        return Problem(file, line, column, "the page is a binary file, not Markdown (a NUL byte)",
                       hint="Remove it from docs/, or give it the extension of what it is (a .md file is built as a page).")
    try:
        content.decode("utf-8-sig")     # what MkDocs reads pages with
    except UnicodeDecodeError as error:
        line, column = _place(content, error.start)
        byte = content[error.start]
        return Problem(file, line, column, f"the page is not valid UTF-8 (byte 0x{byte:02x})",
                       hint="Save it as UTF-8 (it may be Latin-1 or Windows-1252).")
    return None


def encoding_problems(pages: Iterable[tuple[str, bytes]]) -> list[Problem]:
    """Every page of (label, bytes) that cannot be read as UTF-8 text."""
    return [problem for file, content in pages if (problem := encoding_problem(file, content))]


def report(problems: list[Problem]) -> str:
    lines = [f"{len(problems)} page(s) cannot be read as UTF-8 Markdown:"]
    return "\n".join(lines + [f"  {problem.format()}" for problem in sorted(problems)])


def _place(content: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as far as the bytes before `offset` decode) of a byte."""
    line_start = content.rfind(b"\n", 0, offset) + 1
    column = len(content[line_start:offset].decode("utf-8", errors="replace")) + 1
    return content.count(b"\n", 0, offset) + 1, column
