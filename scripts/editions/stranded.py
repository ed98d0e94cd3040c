"""Figures stranded at the top of a page: found in the laid-out book, moved below the text that follows them, and
their chapter set again on its own.

A figure too tall for the rest of a page opens the next one and leaves the page before it partly empty. Moving it
below a few blocks fills that page. Each chapter starts on a right-hand page, so setting the chapter again alone
(its page numbers counted on from where it starts) changes no other page: its new pages replace its old ones
(measured on the handbook: 0.6 s a chapter, against 11 s to set the whole book again). When the chapter gets
shorter, the pages after it move up by as many pages (an even number: each chapter still starts on a right-hand
page) and page_numbers.py writes the number at their foot anew. A chapter that grows has its pages put in all
the same.
"""
from __future__ import annotations

import re

from weasyprint.formatting_structure import boxes

from editions.assemble import Book, Chapter

# A figure that opens a page (its anchor this near the page's top, CSS px: the 24 mm margin and a little more)
# after a page left more than this fraction empty is moved below the next block.
FIGURE_ID = re.compile(r"--fig-[a-z0-9-]+$")
FIRST_ON_PAGE_PX = 140
STRANDED_GAP = 0.3


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


def defer_figure(book: Book, figure_id: str, gap: float, chars_per_page: int) -> Chapter | None:
    """Move a figure below the blocks that follow it, as many as hold about the text that fills `gap` (a fraction
    of a page of `chars_per_page`), so that they fill the page the figure left empty; returns its chapter if the
    figure moved."""
    wanted = gap * chars_per_page
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
                return chapter
    return None


def chapter_span(document, book: Book, chapter: Chapter) -> tuple[int, int]:
    """The indexes of the chapter's first page and of the page after its last (a blank page before the next
    chapter included)."""
    first = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first.setdefault(anchor, index)
    following = book.chapters[book.chapters.index(chapter) + 1:]
    end = min((first[c.anchor] for c in following if c.anchor in first), default=len(document.pages))
    return first[chapter.anchor], end


def splice(document, alone, start: int, end: int) -> None:
    """Put the pages of a chapter set alone (`alone`: ending with one page of nothing, which brought the chapter's
    end to a right-hand page as the next chapter would) in place of pages start to end."""
    document.pages[start:end] = alone.pages[:-1]
