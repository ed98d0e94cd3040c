"""The print edition: the assembled book in a paged-media template (pdf_template.html, print.css), set by WeasyPrint.

Run it through `python scripts/editions/build_all.py --only pdf` (or `make pdf`).

Page numbers (the contents, "(p. N)" after cross-references and backlinks) are not CSS target-counter(): WeasyPrint
lays out every page holding one at least twice, and the pages after it again when its lines move (measured: 2.6
layouts a page, most of the PDF's time). Instead each number is a placeholder of fixed-width digits ("00") that the
book is set with once; then the real numbers, read from where the anchors landed, are written into the laid-out
lines (page_numbers.py explains how). The layout cannot move: only the digits change.
"""
from __future__ import annotations

import gc
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import jinja2
import lxml.html
import pydyf
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher

from editions.assemble import Book, Chapter, in_svg, select
from editions.common import BASENAME, HERE, EditionError
from editions.page_numbers import PAGE_OF, PAGE_REF, TOC_NUMBER, PageDigitsError, fill_page_numbers, placeholder

ALLOWED_SCHEMES = ("file:", "data:")
SPACED_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")
VERBATIM = {"pre", "code", "textarea", "svg"}     # whitespace there is content

# Pages with more second-level headings than this (the glossary) list only their title in the contents.
TOC_SECTION_LIMIT = 10
# Links whose href holds one of these carry the page they point to: the generated backlinks (index of terms,
# "Mentioned in", "Cited in", the essay's concordance). Cross-references (a.xref) do too, except citations (they
# point to the Sources, listed A-Z) and the automatic first-mention links to the glossary.
BACKLINK_MARKS = ("--mention-", "--cite-", "--ref-", "--para-", "--quote-para-")
NO_PAGE_XREFS = {"xref-auto", "xref-src"}
# For the page-number placeholders' width, the book's length is estimated before it is set: about this many
# characters of running text make a page (measured on the handbook: ~1,800 with blank pages, cover and contents).
# Too many digits only leave a little more room on lines with references; too few cost a second layout (build_pdf).
CHARS_PER_PAGE = 2000
FRONT_PAGES = 3                      # cover, contents
PRINTED_TEXT = ".//text()[not(ancestor::svg) and not(ancestor::style) and not(ancestor::script)]"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}
# A figure that opens a page (its anchor this near the page's top, CSS px: the 24 mm margin and a little more)
# after a page left more than this fraction empty is moved below the next block, up to DEFER_PASSES times.
FIGURE_ID = re.compile(r"--fig-[a-z0-9-]+$")
FIRST_ON_PAGE_PX = 140
STRANDED_GAP = 0.3
DEFER_PASSES = 2
# Python's cycle collector runs after this many new objects (default 700): see few_collections().
GC_THRESHOLD = 50_000


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


def footnote_float(note, classes: str):
    """A list item's content as a footnote of the page (`float: footnote` in print.css), to put at its call."""
    float_ = lxml.html.Element("span")
    float_.set("class", classes)
    float_.set("id", note.get("id"))
    float_.text = (note.text or "").lstrip()
    for child in list(note):
        float_.append(child)
        if child.tag in ("p", "div"):   # blocks cannot sit inside the running text: keep their content
            child.tail = " " + (child.tail or "").lstrip()
            child.drop_tag()
    float_.text = (float_.text or "").lstrip()
    return float_


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
        float_ = footnote_float(note, "footnote-body")
        float_.tail = sup.tail
        sup.getparent().replace(sup, float_)
    for block in select(body, "div", "footnote"):
        if not block.xpath(".//li[@id]"):
            block.drop_tree()


def notes_to_floats(chapter: Chapter) -> None:
    """The apparatus notes (beside their paragraph on the web) go to the page foot, each called at its lemma."""
    body = chapter.body
    notes = {li.get("id"): li for aside in select(body, "aside", "essay-notes") for li in aside.iter("li")}
    for lemma in select(body, "a", "lemma"):
        note = notes.pop(lemma.get("href", "").lstrip("#"), None)
        if note is None:
            continue
        for mark in select(lemma, "sup", "lemma-mark"):    # the footnote's call marks the lemma on paper
            mark.drop_tree()
        for number in select(note, "a", "note-number"):
            number.drop_tree()
        float_ = footnote_float(note, "footnote-body apparatus-note")
        float_.tail = lemma.tail
        lemma.tail = None
        lemma.addnext(float_)
    for aside in select(body, "aside", "essay-notes"):
        aside.drop_tree()


def tidy_line_breaks(chapter: Chapter) -> None:
    """Source line breaks become spaces: WeasyPrint 70 trips over " \\n" at a line end (AssertionError), and keeps
    them as breaks in footnotes."""
    for element in chapter.body.iter():
        inside_verbatim = any(ancestor.tag in VERBATIM for ancestor in element.iterancestors())
        if element.text and isinstance(element.tag, str) and element.tag not in VERBATIM and not inside_verbatim:
            element.text = SPACED_BREAK.sub(" ", element.text)
        if element.tail and not inside_verbatim:
            element.tail = SPACED_BREAK.sub(" ", element.tail)


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def in_related_reading(link) -> bool:
    return any("xref-related" in classes(ancestor) for ancestor in link.iterancestors("aside"))


def wants_page_number(link) -> bool:
    """Whether a link gets "(p. N)" after it: see BACKLINK_MARKS; also the chapters listed under related reading."""
    href, marks = link.get("href") or "", classes(link)
    if not href.startswith("#") or in_svg(link):
        return False
    if in_related_reading(link):
        return True
    if "xref" in marks:
        return not marks & NO_PAGE_XREFS
    if "essay-para-num" in marks:        # the paragraph's own number, not a reference to it
        return False
    return any(mark in href for mark in BACKLINK_MARKS)


def add_page_refs(chapter: Chapter) -> None:
    """Give each link that wants one an empty "(p. N)" span, filled with placeholder digits by set_placeholders."""
    for link in chapter.body.iter("a"):
        if wants_page_number(link) and not select(link, "span", PAGE_REF):
            span = lxml.html.Element("span")
            span.set("class", PAGE_REF)
            span.set(PAGE_OF, link.get("href")[1:])
            link.append(span)


def set_placeholders(book: Book, digits: int) -> None:
    for chapter in book.chapters:
        for span in select(chapter.body, "span", PAGE_REF):
            span.text = f" (p.\u202f{placeholder(digits)})"   # a narrow no-break space: never stretched


def estimated_pages(book: Book) -> int:
    """Roughly how many pages the book will have (each page of the handbook starts on a right-hand page)."""
    text = sum(len("".join(chapter.body.xpath(PRINTED_TEXT))) for chapter in book.chapters)
    return FRONT_PAGES + len(book.chapters) + text // CHARS_PER_PAGE


def prepare_chapters(book: Book) -> None:
    """The print-only changes to the pages, made once: footnotes, line breaks, page-reference spans."""
    for chapter in book.chapters:
        footnotes_to_floats(chapter)
        notes_to_floats(chapter)
        tidy_line_breaks(chapter)
        add_page_refs(chapter)


def toc_entries(chapter: Chapter) -> list[tuple[int, str, str]]:
    h2 = [entry for entry in chapter.sections if entry[0] == 2]
    if len(h2) > TOC_SECTION_LIMIT:
        return []
    return h2


def print_html(book: Book, digits: int = 2) -> str:
    """The whole book as one HTML document, page numbers as `digits`-digit placeholders (prepare_chapters first)."""
    set_placeholders(book, digits)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("pdf_template.html")
    groups: list[tuple[str | None, list[Chapter]]] = []
    for chapter in book.chapters:
        if not groups or groups[-1][0] != chapter.page.group:
            groups.append((chapter.page.group, []))
        groups[-1][1].append(chapter)
    return template.render(info=book.info, groups=groups, toc_entries=toc_entries,
                           chapters=zip(book.chapters, book.html_fragments()), stylesheet="print.css",
                           page_of=PAGE_OF, toc_number=TOC_NUMBER, placeholder=placeholder(digits))


@contextmanager
def few_collections():
    """WeasyPrint makes millions of small objects that all live until the PDF is written; with the default threshold
    the cycle collector walks them over and over (measured: 10-15 % of the PDF's time), and finds nothing."""
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def page_references_once():
    """pydyf.PDF.page_references builds the list of every page's reference on each call, and WeasyPrint's PDF/UA
    tagging calls it for every tagged element (13,000 calls: 1 million strings, ~0.7 s). Cache it while writing, for
    as long as the page list is the same length (pages are only ever appended)."""
    original = pydyf.PDF.page_references

    def cached(pdf):
        count = len(pdf.pages["Kids"])
        if getattr(pdf, "_page_references", (None,))[0] != count:
            pdf._page_references = (count, original.fget(pdf))
        return pdf._page_references[1]

    pydyf.PDF.page_references = property(cached)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


def layout(html: str, base_dir: Path = HERE):
    """The print HTML laid out by WeasyPrint (tagged PDF/UA-1); fails if it asked for anything but file: or data:."""
    fetcher = LocalOnlyFetcher()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with few_collections():
        document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(**PDF_OPTIONS)
    if fetcher.refused:
        raise EditionError("the PDF would load resources from other hosts: "
                           + ", ".join(sorted(set(fetcher.refused)))
                           + ". Remove them from the content (the editions embed only local files).")
    return document


def write_pdf(document, out: Path, digits: int) -> Path:
    """Fill in the laid-out document's page numbers and write it; PageDigitsError if a page number has more
    digits than its placeholders' `digits`."""
    with few_collections():
        fill_page_numbers(document, digits)
        out.parent.mkdir(parents=True, exist_ok=True)
        with page_references_once():
            document.write_pdf(out, **PDF_OPTIONS)
    return out


def render_pdf(html: str, out: Path, digits: int = 2, base_dir: Path = HERE) -> Path:
    """Set the print HTML with WeasyPrint, once, then fill in its page numbers (see layout and write_pdf)."""
    return write_pdf(layout(html, base_dir), out, digits)


def page_gap(page) -> float:
    """The empty height at the foot of a laid-out page's content area, as a fraction of that area."""
    root = page._page_box
    bottoms = [box.position_y + box.margin_height() for child in root.children
               if not isinstance(child, boxes.MarginBox) for box in child.descendants()
               if isinstance(box, (boxes.LineBox, boxes.ReplacedBox))]
    top, height = root.content_box_y(), root.height
    return 1.0 if not bottoms else max(0.0, (top + height - max(bottoms)) / height)


def stranded_figures(document, chapter_anchors: set[str]) -> list[tuple[str, float]]:
    """(id, gap) of figures that open a page because they did not fit at the foot of the page before, which they
    left more than STRANDED_GAP empty (within one chapter: its last page may end anywhere)."""
    found, seen = [], set()
    for before, page in zip(document.pages, document.pages[1:]):
        opens = (chapter_anchors & set(page.anchors)) - seen    # a chapter's anchor is on each of its pages
        seen |= opens
        figures = [anchor for anchor in page.anchors if FIGURE_ID.search(anchor)]
        if not figures or opens:
            continue
        first = min(figures, key=lambda anchor: page.anchors[anchor][1])
        gap = page_gap(before)
        if page.anchors[first][1] < FIRST_ON_PAGE_PX and gap > STRANDED_GAP:
            found.append((first, gap))
    return found


def defer_figure(book: Book, figure_id: str, gap: float) -> None:
    """Move a figure below the blocks that follow it, as many as hold about the text that fills `gap` (a fraction
    of a page), so that they fill the page the figure left empty."""
    wanted = gap * CHARS_PER_PAGE
    for chapter in book.chapters:
        for figure in chapter.body.xpath(".//figure[@id=$id]", id=figure_id):
            moved_past, text = None, 0
            following = figure.getnext()
            while following is not None and text < wanted:
                if following.tag not in ("h2", "h3", "h4"):   # never end right after a heading
                    moved_past = following
                text += len(following.text_content())
                following = following.getnext()
            if moved_past is not None:
                moved_past.addnext(figure)


def laid_out_book(book: Book, digits: int):
    """The book laid out; figures that left a page half empty are moved down and the book set again."""
    chapter_anchors = {chapter.anchor for chapter in book.chapters}
    document = layout(print_html(book, digits))
    for _ in range(DEFER_PASSES):
        stranded = stranded_figures(document, chapter_anchors)
        if not stranded:
            break
        for figure_id, gap in stranded:
            defer_figure(book, figure_id, gap)
        document = layout(print_html(book, digits))
    return document


def build_pdf(book: Book, out_dir: Path) -> Path:
    out = out_dir / f"{BASENAME}.pdf"
    prepare_chapters(book)
    digits = len(str(estimated_pages(book)))
    try:
        return write_pdf(laid_out_book(book, digits), out, digits)
    except PageDigitsError as error:       # a longer book than estimated: set it again with wider placeholders
        return write_pdf(laid_out_book(book, error.digits), out, error.digits)
