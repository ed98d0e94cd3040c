"""The print edition: the assembled book in a paged-media template (pdf_template.html, print.css), set by WeasyPrint.

Run it through `python scripts/editions/build_all.py --only pdf` (or `make pdf`).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import jinja2
import lxml.html
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from editions.assemble import Book, Chapter, select
from editions.common import BASENAME, HERE, EditionError

ALLOWED_SCHEMES = ("file:", "data:")
SPACED_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")
VERBATIM = {"pre", "code", "textarea", "svg"}     # whitespace there is content

# Pages with more second-level headings than this (the glossary) list only their title in the contents.
TOC_SECTION_LIMIT = 10


class LocalOnlyFetcher(URLFetcher):
    """Fetch only file: and data: URLs; remember every other URL so the build can fail naming it."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"file", "data"}, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.lower().startswith(ALLOWED_SCHEMES):
            self.refused.append(url)
            raise ValueError(f"refused {url}: the PDF embeds only file: and data: resources")
        return super().fetch(url, headers)


def footnotes_to_floats(chapter: Chapter) -> None:
    """Python-Markdown puts footnotes in a list at the end of the page; on paper they go to the page foot."""
    body = chapter.body
    notes = {li.get("id"): li for block in select(body, "div", "footnote") for li in block.xpath(".//li[@id]")}
    for ref in select(body, "a", "footnote-ref"):
        note = notes.pop(ref.get("href", "").lstrip("#"), None)
        sup = ref.getparent()
        if note is None:
            continue
        for backref in select(note, "a", "footnote-backref"):
            backref.drop_tree()
        float_ = lxml.html.Element("span")
        float_.set("class", "footnote-body")
        float_.set("id", note.get("id"))
        float_.text = (note.text or "").lstrip()
        for child in list(note):
            float_.append(child)
            if child.tag == "p":       # paragraphs cannot sit inside the running text: keep their content
                child.tail = " " + (child.tail or "").lstrip()
                child.drop_tag()
        float_.text = (float_.text or "").lstrip()
        float_.tail = sup.tail
        sup.getparent().replace(sup, float_)
    for block in select(body, "div", "footnote"):
        if not block.xpath(".//li[@id]"):
            block.drop_tree()


def tidy_line_breaks(chapter: Chapter) -> None:
    """Source line breaks become spaces: WeasyPrint 70 trips over " \\n" at a line end (AssertionError), and keeps
    them as breaks in footnotes."""
    for element in chapter.body.iter():
        inside_verbatim = any(ancestor.tag in VERBATIM for ancestor in element.iterancestors())
        if element.text and isinstance(element.tag, str) and element.tag not in VERBATIM and not inside_verbatim:
            element.text = SPACED_BREAK.sub(" ", element.text)
        if element.tail and not inside_verbatim:
            element.tail = SPACED_BREAK.sub(" ", element.tail)


def toc_entries(chapter: Chapter) -> list[tuple[int, str, str]]:
    h2 = [entry for entry in chapter.sections if entry[0] == 2]
    if len(h2) > TOC_SECTION_LIMIT:
        return []
    return h2


def print_html(book: Book) -> str:
    for chapter in book.chapters:
        footnotes_to_floats(chapter)
        tidy_line_breaks(chapter)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("pdf_template.html")
    groups: list[tuple[str | None, list[Chapter]]] = []
    for chapter in book.chapters:
        if not groups or groups[-1][0] != chapter.page.group:
            groups.append((chapter.page.group, []))
        groups[-1][1].append(chapter)
    return template.render(info=book.info, groups=groups, toc_entries=toc_entries,
                           chapters=zip(book.chapters, book.html_fragments()), stylesheet="print.css")


def render_pdf(html: str, out: Path, base_dir: Path = HERE) -> Path:
    """Set the print HTML with WeasyPrint (tagged PDF/UA-1); fail if it asked for anything but file: or data:."""
    fetcher = LocalOnlyFetcher()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}
    document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(**options)
    if fetcher.refused:
        raise EditionError("the PDF would load resources from other hosts: " + ", ".join(sorted(set(fetcher.refused)))
                           + ". Remove them from the content (the editions embed only local files).")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(out, **options)
    return out


def build_pdf(book: Book, out_dir: Path) -> Path:
    out = out_dir / f"{BASENAME}.pdf"
    html = print_html(book)
    return render_pdf(html, out)

