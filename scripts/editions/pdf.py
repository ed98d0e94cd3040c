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
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from editions.assemble import Book, Chapter, in_svg, select
from editions.common import BASENAME, HERE, EditionError
from editions.page_numbers import PAGE_OF, PAGE_REF, TOC_NUMBER, PageDigitsError, fill_page_numbers, placeholder
from editions.stranded import chapter_span, defer_figure, splice, stranded_figures

ALLOWED_SCHEMES = ("file:", "data:")
SPACED_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")
VERBATIM = {"pre", "code", "textarea", "svg"}     # whitespace there is content

# Pages with more second-level headings than this (the glossary) list only their title in the contents.
TOC_SECTION_LIMIT = 10
# Links whose href holds one of these carry the page they point to: the generated backlinks (index of terms,
# "Mentioned in", "Cited in", the essay's concordance). Cross-references (a.xref) do too, except citations (they
# point to the Sources, listed A-Z), the automatic first-mention links to the glossary, and quotations of the essay
# (the quotation marks say whose words they are; a number inside them, mostly to the page itself, was noise).
BACKLINK_MARKS = ("--mention-", "--cite-", "--ref-", "--para-", "--quote-para-")
NO_PAGE_XREFS = {"xref-auto", "xref-src", "xref-q"}
NOTE_ELSEWHERE = "note-elsewhere"     # a link to a note set in another chapter: it gets its page too
NOTE_NUMBER = "data-note-number"      # an apparatus footnote's number, "8.1" (print.css calls it by it)
PUBLISHED = "published-"              # the ids of "The essay as published"
# For the page-number placeholders' width, the book's length is estimated before it is set: about this many
# characters of running text make a page (measured on the handbook: ~1,800 with blank pages, cover and contents).
# Too many digits only leave a little more room on lines with references; too few cost a second layout (build_pdf).
CHARS_PER_PAGE = 2000
FRONT_PAGES = 3                      # cover, contents
PRINTED_TEXT = ".//text()[not(ancestor::svg) and not(ancestor::style) and not(ancestor::script)]"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}
DEFER_PASSES = 2                     # rounds of moving stranded figures (stranded.py)
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
        numbers = select(note, "a", "note-number")
        for number in numbers:
            number.drop_tree()
        float_ = footnote_float(note, "footnote-body apparatus-note")
        if numbers:
            float_.set(NOTE_NUMBER, numbers[0].text_content().strip())    # called as on the web: 8.1
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
    if NOTE_ELSEWHERE in marks:
        return True
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


def note_key(float_id: str) -> str:
    """A note's id without its page's anchor: "note-8-1" for the chapter's and the essay page's copy alike."""
    return float_id.split("--")[-1].removeprefix(PUBLISHED)


def notes_set_once(book: Book) -> None:
    """The essay as published repeats, at the same lemmas, the notes of the chapters that quote its paragraphs. On
    paper each is set once, as a footnote in its chapter: on the essay's page the lemma calls it by its number, and
    the paragraph's line of notes gives its page. (Footnotes are also dear to lay out: 20 of them cost ~2 s.)"""
    floats = [float_ for chapter in book.chapters for float_ in select(chapter.body, "span", "apparatus-note")]
    in_chapters = {note_key(f.get("id")): f for f in floats if PUBLISHED not in f.get("id")}
    moved: dict[str, str] = {}      # id in the essay's copy -> the same in the chapter's (citations' anchors too)
    notes = set()                   # the essay's copies' own ids
    for float_ in floats:
        kept = in_chapters.get(note_key(float_.get("id")))
        if PUBLISHED not in float_.get("id") or kept is None:
            continue
        moved.update(zip(float_.xpath("descendant-or-self::*/@id"), kept.xpath("descendant-or-self::*/@id")))
        notes.add(float_.get("id"))
        call = lxml.html.fragment_fromstring(f'<sup class="note-call"><a href="#{kept.get("id")}"></a></sup>')
        call[0].text, call.tail = float_.get(NOTE_NUMBER), float_.tail
        float_.getparent().replace(float_, call)
    for chapter in book.chapters:
        for link in chapter.body.iter("a"):
            old = (link.get("href") or "")[1:]
            if old in moved:                # a citation's backlink, or the paragraph's "notes 8.1–8.2"
                link.set("href", "#" + moved[old])
            if old in notes and "lemma" not in classes(link):     # the note call after the lemma says it
                link.set("class", f"{link.get('class') or ''} {NOTE_ELSEWHERE}".strip())


def prepare_chapters(book: Book) -> None:
    """The print-only changes to the pages, made once: footnotes, notes set once, line breaks, page references."""
    for chapter in book.chapters:
        footnotes_to_floats(chapter)
        notes_to_floats(chapter)
    notes_set_once(book)
    for chapter in book.chapters:
        tidy_line_breaks(chapter)
        add_page_refs(chapter)


def toc_entries(chapter: Chapter) -> list[tuple[int, str, str]]:
    h2 = [entry for entry in chapter.sections if entry[0] == 2]
    if len(h2) > TOC_SECTION_LIMIT:
        return []
    return h2


def print_html(book: Book, digits: int = 2, alone: Chapter | None = None, first_page: int = 1) -> str:
    """The whole book as one HTML document, page numbers as `digits`-digit placeholders (prepare_chapters first);
    or, with `alone`, only that chapter, its pages counted from `first_page`, closed by an empty one (stranded.py)."""
    set_placeholders(book, digits)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("pdf_template.html")
    groups: list[tuple[str | None, list[Chapter]]] = []
    for chapter in book.chapters:
        if not groups or groups[-1][0] != chapter.page.group:
            groups.append((chapter.page.group, []))
        groups[-1][1].append(chapter)
    chapters = list(zip(book.chapters, book.html_fragments()))
    if alone is not None:
        chapters = [(chapter, fragment) for chapter, fragment in chapters if chapter is alone]
    return template.render(info=book.info, groups=groups, toc_entries=toc_entries, chapters=chapters,
                           alone=alone is not None, first_page=first_page, stylesheet="print.css",
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


def layout(html: str, base_dir: Path = HERE, fonts: FontConfiguration | None = None):
    """The print HTML laid out by WeasyPrint (tagged PDF/UA-1); fails if it asked for anything but file: or data:."""
    fetcher = LocalOnlyFetcher()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with few_collections():
        document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=fonts, **PDF_OPTIONS)
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


def laid_out_book(book: Book, digits: int):
    """The book laid out; figures that left a page half empty are moved down and their chapters set again."""
    fonts = FontConfiguration()         # one for every layout: the pages of each are written together
    chapter_anchors = {chapter.anchor for chapter in book.chapters}
    document = layout(print_html(book, digits), fonts=fonts)
    for _ in range(DEFER_PASSES):
        stranded = stranded_figures(document, chapter_anchors)
        if not stranded:
            break
        moved = [defer_figure(book, figure_id, gap, CHARS_PER_PAGE) for figure_id, gap in stranded]
        document = set_again(book, document, [c for c in book.chapters if c in moved], digits, fonts)
    return document


def set_again(book: Book, document, chapters: list[Chapter], digits: int, fonts):
    """Each of `chapters` set alone in place of the pages it had (stranded.py)."""
    for chapter in chapters:
        start, end = chapter_span(document, book, chapter)
        splice(document, layout(print_html(book, digits, alone=chapter, first_page=start + 1), fonts=fonts),
               start, end)
    return document


def build_pdf(book: Book, out_dir: Path) -> Path:
    out = out_dir / f"{BASENAME}.pdf"
    prepare_chapters(book)
    digits = len(str(estimated_pages(book)))
    try:
        return write_pdf(laid_out_book(book, digits), out, digits)
    except PageDigitsError as error:       # a longer book than estimated: set it again with wider placeholders
        return write_pdf(laid_out_book(book, error.digits), out, error.digits)
