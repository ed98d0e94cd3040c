"""Stage 3, per page: one pass over a page's HTML with lxml: glossary autolinks and [[kind:id]] tokens in text
nodes.

The first mention of each term on a page becomes a link (later ones are left as they are); explicit
[[term:id]] tokens are always links. Links are emitted as placeholder elements (<xref-term>, <xref-ref>) that
the final pass (finalize/final_pass.py) resolves once every page is known. Nothing is changed inside code,
links, headings, figures, SVG, scripts or raw attributes: only text nodes are read, and they are only split
around new elements, never reworded.
"""
from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..check.allowlist import html_problems
from ..core.model import Mention, Reference
from ..core.problems import paragraph_number
from ..load.passages import Passages, quoted_runs
from ..load.term_index import TermIndex

TOKEN_RE = re.compile(r"\[\[(?P<body>[^\[\]]+?)\]\]")  # may span a line break
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Where neither autolinks nor [[…]] tokens are touched.
NO_TOKENS = {"code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "math", "figure", "a",
             "xref-ref", "xref-term", "title", "template"}
# Where autolinks are not made (tokens still are).
# <cite> and <q>: a quoted title or phrase (the essay's title "Fintech's new look") is not the term it contains.
NO_AUTOLINK = NO_TOKENS | HEADINGS | {"button", "select", "option", "label", "summary", "dt", "abbr", "cite", "q"}
NO_AUTOLINK_CLASSES = {"essay-heading", "essay-cite", "essay-para-num", "xref-nolink", "xref-slot",
                       "headerlink", "xref-related", "ed-corrections", "md-nav"}
NO_TOKEN_CLASSES = {"xref-nolink", "xref-slot", "headerlink"}
NO_CLASSES: frozenset[str] = frozenset()


@dataclass
class PageScan:
    mentions: list[Mention] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    stray: list[tuple[str, str]] = field(default_factory=list)   # ("unterminated" or "link", text): not replaced
    refused: list[tuple] = field(default_factory=list)           # what the content allowlist refuses (check/)


@dataclass(slots=True)
class _Slot:
    element: etree._Element
    attr: str               # "text" or "tail"
    text: str               # its value (read once: lxml makes a new string at each read)
    autolink: bool
    tokens: bool
    paragraph: int | None
    section: str
    scope: str              # glossary entry whose own text this is (never linked to itself)


def parse_reference(body: str) -> tuple[str, str, str]:
    """(kind, target, text) of a token body; kind "=" means "do not link this text"."""
    body = body.strip()
    if body.startswith("="):
        return "=", "", body[1:]
    if body.startswith("¶"):
        body = "p:" + body[1:]
    kind, _, rest = body.partition(":")
    target, _, text = rest.partition("|")
    return kind.strip().lower(), target.strip(), text.strip()


def _heading_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if "headerlink" not in (child.get("class") or ""):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


class _Collector:
    """Walks the tree in document order and lists the text slots with their context."""

    def __init__(self, autolink: bool, scope_ids: set[str]) -> None:
        self.autolink = autolink
        self.scope_ids = scope_ids
        self.slots: list[_Slot] = []
        self.headings: dict[str, str] = {}
        self.section = ""
        self.scope = ""
        self.linked: set[str] = set()   # terms already linked in the input (a second pass adds nothing)
        self.stray: list[tuple[str, str]] = []

    def visit(self, element, autolink: bool, tokens: bool, paragraph: int | None) -> None:
        tag = element.tag
        if not isinstance(tag, str):    # comments and processing instructions
            tag = ""
        names = element.get("class") if tag else None
        classes = set(names.split()) if names else NO_CLASSES
        if tag in HEADINGS:
            text = _heading_text(element)
            if element.get("id"):
                self.headings[element.get("id")] = text
                if tag == "h2" and self.scope_ids:
                    self.scope = element.get("id") if element.get("id") in self.scope_ids else ""
            self.section = text
        if tag == "xref-term" or (tag == "a" and (element.get("data-xref") or "").startswith("term:")):
            self.linked.add(element.get("data-term") or element.get("data-xref")[5:])
        elif tag == "a" and tokens and "[[" in element.text_content():   # a link's text is not scanned for tokens
            self.stray += [("link", token) for token in stray_tokens(element.text_content())]
        if tag == "blockquote" and "essay-para" in classes:
            number = paragraph_number((element.get("id") or "").removeprefix("para-"))
            paragraph = number if number is not None else paragraph
        inner_auto = autolink and tag not in NO_AUTOLINK and not (classes & NO_AUTOLINK_CLASSES) and bool(tag)
        inner_tokens = tokens and tag not in NO_TOKENS and not (classes & NO_TOKEN_CLASSES) and bool(tag)
        if tag and (inner_auto or inner_tokens):
            text = element.text
            if text and not text.isspace():     # half the text nodes are line breaks between elements
                self.add(element, "text", text, inner_auto, inner_tokens, paragraph)
        for child in element:
            self.visit(child, inner_auto, inner_tokens, paragraph)
            if inner_auto or inner_tokens:
                tail = child.tail
                if tail and not tail.isspace():
                    self.add(child, "tail", tail, inner_auto, inner_tokens, paragraph)

    def add(self, element, attr, text, autolink, tokens, paragraph) -> None:
        self.slots.append(_Slot(element, attr, text, autolink, tokens, paragraph, self.section, self.scope))


class _Rewriter:
    """Splits text slots into text and new elements, recording mentions and references."""

    def __init__(self, index: TermIndex, passages: Passages | None = None) -> None:
        self.index = index
        self.passages = passages
        self.scan = PageScan()
        self.linked: set[str] = set()
        self.counters: dict[str, int] = {}
        self.tokens_seen: dict[str, int] = {}
        self.changed = False

    def next_anchor(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.counters[prefix]}"

    def rewrite(self, slot: _Slot) -> None:
        text = slot.text
        pieces: list = []   # strings and elements, in order
        position = 0
        if slot.tokens and "[[" in text:
            for match in TOKEN_RE.finditer(text):
                self.add_text(pieces, text[position:match.start()], slot)
                pieces.append(self.token(match, slot))
                position = match.end()
        self.add_text(pieces, text[position:], slot)
        if len(pieces) == 1 and isinstance(pieces[0], str):
            return
        self.changed = True
        _apply(slot.element, slot.attr, pieces)

    def add_text(self, pieces: list, text: str, slot: _Slot) -> None:
        if not text:
            return
        if slot.tokens and "[[" in text:     # what is left between the tokens: an opening never closed
            self.scan.stray += [("unterminated", token) for token in stray_tokens(text)]
        if not slot.autolink:
            pieces.append(text)
            return
        if self.passages is not None and slot.paragraph is None and ('"' in text or "“" in text):
            position = 0
            for start, end, number, words in self.quotations(text):
                self.add_terms(pieces, text[position:start], slot)
                pieces.append(self.quotation(number, words, text[start:end], slot))
                position = end
            text = text[position:]
        self.add_terms(pieces, text, slot)

    def quotations(self, text: str):
        """(start, end, ¶, words) of each quoted run of the essay's own words in commentary."""
        for start, end, words in quoted_runs(text):
            found = self.passages.find(words)
            if found:
                yield start, end, found[0], words

    def quotation(self, number: int, words: str, quoted: str, slot: _Slot):
        """A quotation of the essay that nobody marked, taken as [[q:N|words]] (so checked and linked alike)."""
        occurrence = self.tokens_seen.get(quoted, 0)
        self.tokens_seen[quoted] = occurrence + 1
        reference = Reference(len(self.scan.references), "q", str(number), words, quoted, occurrence,
                              anchor=self.next_anchor(f"quote-para-{number}"), section=slot.section,
                              context=context_before(slot.text, slot.text.find(quoted)))
        self.scan.references.append(reference)
        return etree.Element("xref-ref", {"data-n": str(reference.number)})

    def add_terms(self, pieces: list, text: str, slot: _Slot) -> None:
        position = 0
        for start, end, term in self.index.matches(text):
            # Only the first mention on a page becomes a link; later ones stay plain text (fewer tags to index).
            if term == slot.scope or term in self.linked:
                continue
            pieces.append(text[position:start])
            pieces.append(self.mention(term, text[start:end], slot))
            position = end
        pieces.append(text[position:])

    def mention(self, term: str, text: str, slot: _Slot):
        anchor = self.next_anchor(f"mention-{term}")
        self.linked.add(term)
        element = etree.Element("xref-term", {"data-term": term, "id": anchor})
        element.text = text
        self.scan.mentions.append(Mention(term, anchor, True, slot.paragraph, slot.section))
        return element

    def token(self, match: re.Match, slot: _Slot):
        raw = match.group()
        occurrence = self.tokens_seen.get(raw, 0)
        self.tokens_seen[raw] = occurrence + 1
        kind, target, text = parse_reference(match["body"])
        if kind == "=":
            element = etree.Element("span", {"class": "xref-nolink"})
            element.text = text
            return element
        reference = Reference(len(self.scan.references), kind, target, text, raw, occurrence, section=slot.section)
        if kind == "term":
            reference.anchor = self.next_anchor(f"mention-{target}")
            self.scan.mentions.append(Mention(target, reference.anchor, True, slot.paragraph, slot.section))
            self.linked.add(target)
        elif kind == "src":
            reference.anchor = self.next_anchor(f"cite-{target}")
        elif kind == "p":
            reference.anchor = self.next_anchor(f"ref-para-{target}")
            reference.context = context_before(slot.text, match.start())
        elif kind == "q":
            reference.anchor = self.next_anchor(f"quote-para-{target}")
            reference.context = context_before(slot.text, match.start())
        self.scan.references.append(reference)
        return etree.Element("xref-ref", {"data-n": str(reference.number)})


def _apply(element, attr: str, pieces: list) -> None:
    """Put `pieces` where the text slot was: strings become text/tails, elements are inserted in order."""
    head, new, tails = "", [], []
    for piece in pieces:
        if isinstance(piece, str):
            if new:
                tails[-1].append(piece)
            else:
                head += piece
        else:
            new.append(piece)
            tails.append([])
    for child, tail in zip(new, tails):
        if tail:                        # set once: reading a tail back from lxml costs a new string each time
            child.tail = "".join(tail)
    if attr == "text":
        element.text = head
        for offset, child in enumerate(new):
            element.insert(offset, child)
    else:
        element.tail = head
        parent = element.getparent()
        at = parent.index(element) + 1
        for offset, child in enumerate(new):
            parent.insert(at + offset, child)


def context_before(text: str, end: int, words: int = 8) -> str:
    """The last few words of `text` before `end`, as the panel of a paragraph quotes them ("… the essay says")."""
    before = TOKEN_RE.sub(_token_words, text[:max(end, 0)]).split()
    return ("… " if len(before) > words else "") + " ".join(before[-words:])


def _token_words(match: re.Match) -> str:
    """A token as a few words of context: its text, else what it names ("¶4", "hive")."""
    kind, target, text = parse_reference(match["body"])
    return text or (f"¶{target}" if kind in ("p", "q") else target.split("#")[-1])


def stray_tokens(text: str) -> list[str]:
    """Each [[…]] of `text`, and each "[[" that nothing closes, with the words after it (to locate it)."""
    found = [match.group() for match in TOKEN_RE.finditer(text)]
    rest = TOKEN_RE.sub("", text)
    start = rest.find("[[")
    while start >= 0:
        found.append(rest[start:start + 40].split("\n")[0])
        start = rest.find("[[", start + 2)
    return found


def parse_fragment(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def serialize_fragment(root) -> str:
    return lxml.html.tostring(root, encoding="unicode")[len("<div>"):-len("</div>")]


def scan_html(html: str, index: TermIndex, *, autolink: bool = True,
              scope_ids: Set[str] | None = None, passages: Passages | None = None) -> tuple[str, PageScan]:
    """Rewrite one page's HTML; `scope_ids` (glossary page) keeps each entry from linking to itself."""
    if not html.strip():
        return html, PageScan()
    root = parse_fragment(html)
    refused = html_problems(root)
    collector = _Collector(autolink, scope_ids or set())
    collector.visit(root, autolink, True, None)
    rewriter = _Rewriter(index, passages)
    rewriter.linked |= collector.linked
    for slot in collector.slots:
        rewriter.rewrite(slot)
    rewriter.scan.headings = collector.headings
    rewriter.scan.stray = collector.stray + rewriter.scan.stray
    rewriter.scan.refused = refused
    if not rewriter.changed:
        return html, rewriter.scan  # nothing to link: the page is left byte for byte as it was
    return serialize_fragment(root), rewriter.scan
