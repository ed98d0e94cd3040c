"""The size at which a PDF prints its text, font by font: a small reader of content streams (pypdf parses them).

pypdf's own text extraction reports sizes without the matrices of the form XObjects that WeasyPrint draws
inline SVG into, so a diagram's labels would come out at their size in SVG units, not on paper."""
from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m, n):
    """The matrix product m x n of two PDF matrices (a b c d e f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


@dataclass
class PrintedRun:
    page: int       # 1-based
    font: str       # the font's BaseFont without the subset tag
    size: float     # points on paper: Tf size x the text and current matrices' vertical scale


def printed_runs(path) -> list[PrintedRun]:
    """Every text-showing operation of the PDF with the size it prints at."""
    reader = PdfReader(str(path))
    runs: list[PrintedRun] = []
    for number, page in enumerate(reader.pages, start=1):
        _walk(reader, page.get_contents(), page["/Resources"], IDENTITY, number, runs)
    return runs


def _walk(reader, content, resources, ctm, page: int, runs: list[PrintedRun]) -> None:
    if content is None:
        return
    stack, font, size, tm = [], None, 0.0, IDENTITY
    fonts = resources.get("/Font", {}) if resources else {}
    xobjects = resources.get("/XObject", {}) if resources else {}
    for operands, operator in ContentStream(content, reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else ctm
        elif operator == b"cm":
            ctm = multiply(tuple(map(float, operands)), ctm)
        elif operator == b"Tf":
            font, size = fonts[operands[0]].get_object().get("/BaseFont", "?"), float(operands[1])
        elif operator == b"Tm":
            tm = tuple(map(float, operands))
        elif operator in (b"Tj", b"TJ", b"'", b'"') and font is not None:
            a, b, c, d, _, _ = multiply(tm, ctm)
            runs.append(PrintedRun(page, str(font).split("+", 1)[-1], size * (c * c + d * d) ** 0.5))
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                matrix = tuple(map(float, xobject.get("/Matrix", IDENTITY)))
                _walk(reader, xobject, xobject.get("/Resources", resources), multiply(matrix, ctm), page, runs)
