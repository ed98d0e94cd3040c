"""Page numbers written into a laid-out WeasyPrint document: the contents' numbers and "(p. N)" after references.

The book is set once with placeholder digits ("00") in elements marked data-page-of="ANCHOR". Afterwards each
anchor's page is known (Page.anchors), and the placeholder's text boxes get the real number. DejaVu's digits all
have the same width, so a number with as many digits as its placeholder changes nothing else. A shorter number
("7" for "00") frees a little width: the rest of its line moves left, and a justified line gets the width back in
its spaces, as WeasyPrint itself justifies; a contents number stays right-aligned instead. A longer number than
its placeholder cannot be fitted without a new layout: PageDigitsError says how many digits are needed.

This works on WeasyPrint's box tree (the version in requirements.lock): TextBox.text, .pango_layout,
.justification_spacing, and Page objects rebuilt from their page box so that link areas follow the moved text.
"""
from __future__ import annotations

from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import create_layout, line_size

from editions.common import EditionError

PAGE_OF = "data-page-of"        # the anchor whose page an element shows
PAGE_REF = "page-ref"           # class of the "(p. N)" after a reference: flows with its line
TOC_NUMBER = "toc-number"       # class of a contents number: right-aligned after the dot leader
PAGE_FOOT = "@bottom-center"    # the margin box that holds the page's number (print.css)
DIGIT = "0"
SPACES = (" ", "\u00a0")        # what WeasyPrint stretches to justify a line


class PageDigitsError(EditionError):
    def __init__(self, digits: int, anchor: str, page: int):
        super().__init__(f"page {page} (of #{anchor}) has more digits than the page-number placeholders; "
                         f"set the book again with {digits}-digit placeholders.")
        self.digits = digits


def placeholder(digits: int) -> str:
    return DIGIT * digits


def anchor_pages(document) -> dict[str, int]:
    """Each anchor's page number: the first page holding it, as target-counter() counts."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def target_of(box) -> str | None:
    element = box.element if isinstance(box, boxes.TextBox) else None
    return element.get(PAGE_OF) if element is not None else None


def is_right_aligned(box) -> bool:
    return TOC_NUMBER in (box.element.get("class") or "").split()


def inline_children(box):
    """The boxes that share a line with `box`'s content: inline boxes are entered, atomic ones (images,
    inline-blocks) are not."""
    return [child for child in box.children if child.is_in_normal_flow()]


def text_boxes(line):
    """Every text box on `line`, inside inline boxes too."""
    pending = [line]
    while pending:
        box = pending.pop()
        if isinstance(box, boxes.TextBox):
            yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            pending.extend(inline_children(box))


def spaces(text: str) -> int:
    return sum(text.count(space) for space in SPACES)


def natural_width(text: str, style, spacing: float) -> float:
    layout = create_layout(text, style, None, None, spacing)
    line, _ = layout.get_first_line()
    return line_size(line, style)[0]


def set_text(box, text: str, spacing: float) -> None:
    """New text (or justification) for a laid-out text box: WeasyPrint draws it from this (inactive) layout."""
    layout = create_layout(text, box.style, None, None, spacing)
    layout.deactivate()
    box.text, box.pango_layout, box.justification_spacing = text, layout, spacing


def numbered_text(box, pages: dict[str, int], digits: int) -> str:
    anchor = target_of(box)
    if anchor not in pages:
        raise EditionError(f"a page reference points to #{anchor}, which is nowhere in the PDF; the link it "
                           "belongs to should have been dropped or retargeted when the book was assembled.")
    number = str(pages[anchor])
    if len(number) > digits:
        raise PageDigitsError(len(number), anchor, pages[anchor])
    return box.text.replace(placeholder(digits), number, 1)


def widen(box, texts: dict[int, str], extra: float) -> float:
    """Give the text boxes inside `box` their new texts and `extra` width per space (justification), moving what
    follows them; returns how much wider `box` became."""
    if isinstance(box, boxes.TextBox):
        text = texts.get(id(box), box.text)
        stretch = extra * spaces(text)
        if text == box.text and not stretch:
            return 0.0
        spacing = box.justification_spacing + (extra if stretch else 0.0)
        grown = stretch
        if text != box.text:
            grown += natural_width(text, box.style, spacing) - natural_width(box.text, box.style, spacing)
        set_text(box, text, spacing)
        box.width += grown
        return grown
    if not isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return 0.0
    advance = 0.0
    for child in inline_children(box):
        if advance:
            child.translate(dx=advance)
        advance += widen(child, texts, extra)
    if isinstance(box, boxes.InlineBox):
        box.width += advance
    return advance


def replace_text(box, text: str, keep: float) -> None:
    """New text for a box that keeps a point of its width where it was: 1 its right edge, 0.5 its middle."""
    spacing = box.justification_spacing
    grown = natural_width(text, box.style, spacing) - natural_width(box.text, box.style, spacing)
    set_text(box, text, spacing)
    box.width += grown
    box.position_x -= grown * keep


def right_align(box, text: str) -> None:
    """A contents number keeps its right edge, next to the page margin."""
    replace_text(box, text, 1.0)


def fill_line(line, pages: dict[str, int], digits: int) -> None:
    texts = {}
    for box in [box for box in text_boxes(line) if target_of(box) is not None]:
        if placeholder(digits) not in box.text:     # the part of "(p. 00)" before a line break
            continue
        text = numbered_text(box, pages, digits)
        if is_right_aligned(box):
            right_align(box, text)
        else:
            texts[id(box)] = text
    if not texts:
        return
    justified = any(box.justification_spacing for box in text_boxes(line))
    shrink = -widen(line, texts, 0.0)
    if justified and shrink > 0.01 and (count := sum(spaces(box.text) for box in text_boxes(line))):
        widen(line, {}, shrink / count)


def merge_leader(leader) -> None:
    """One text box of dots instead of one box per dot, as WeasyPrint lays them out: the same glyphs at the same
    places (each dot box is one dot wide and they touch), but half the contents' text boxes are leader dots, and
    drawing and tagging cost per box."""
    dots = [child for child in leader.children if isinstance(child, boxes.TextBox)]
    if len(dots) < 2 or len(dots) != len(leader.children) or len({dot.text for dot in dots}) != 1:
        return
    first = min(dots, key=lambda dot: dot.position_x)
    merged = first.copy()
    set_text(merged, first.text * len(dots), first.justification_spacing)
    merged.width = sum(dot.width for dot in dots)
    leader.children = (merged,)


def number_page_feet(document) -> None:
    """The number at each page's foot is its place in the book: a chapter set again alone (stranded.py) may have
    fewer pages than before, and the pages after it keep the numbers they were laid out with."""
    for number, page in enumerate(document.pages, start=1):
        for margin in page._page_box.children:
            if not (isinstance(margin, boxes.MarginBox) and margin.at_keyword == PAGE_FOOT):
                continue
            for box in margin.descendants():
                if isinstance(box, boxes.TextBox) and box.text.isdigit() and box.text != str(number):
                    replace_text(box, str(number), 0.5)     # centred


def fill_page_numbers(document, digits: int) -> None:
    """Write every page's number at its foot, and every placeholder's, into the laid-out `document`."""
    number_page_feet(document)
    pages = anchor_pages(document)
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                fill_line(box, pages, digits)
            elif box.is_leader and isinstance(box, boxes.InlineBox):
                merge_leader(box)
    document.pages[:] = [Page(page._page_box) for page in document.pages]   # links where the text now is
