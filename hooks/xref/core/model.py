"""The data classes the stages share: glossary terms, sources, and what the pages hold (PageInfo and the
mentions, references, figures and quotations found on them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass
class Term:
    id: str
    term: str
    short: str
    definition: str
    sources: list[str]
    aliases: list[str] = field(default_factory=list)
    chinese: str = ""
    pinyin: str = ""
    related: list[str] = field(default_factory=list)
    autolink: bool = True
    line: int = 0


@dataclass
class Source:
    id: str
    publisher: str
    title: str
    date: str
    author: str = ""
    url: str = ""
    note: str = ""
    line: int = 0

    @property
    def label(self) -> str:
        """How a citation reads in running text: "China Daily 2015"."""
        return f"{self.publisher} {self.date[:4] or 'n.d.'}"


def chapter_title(chapter: int | None, title: str) -> str:
    """"2. The middleman trap": the one form of a numbered chapter's title (cross-references say "Chapter 2")."""
    return f"{chapter}. {title}" if chapter is not None and title else title


class Mention(NamedTuple):
    """A linked mention of a glossary term on a page: the first one (auto-linked) or a [[term:id]].
    A tuple: tens of thousands per build, and Python's cycle collector stops tracking tuples of plain values."""
    term: str
    anchor: str            # element id on the page: mention-ID-k
    linked: bool
    paragraph: int | None  # essay ¶ when the mention is inside a quotation
    section: str = ""      # text of the nearest heading above


@dataclass(slots=True)
class Reference:
    """An explicit [[kind:id|text]] token found on a page."""
    number: int            # placeholder number on its page
    kind: str
    target: str
    text: str              # author's |text, or ""
    token: str             # the token as written, to locate it in the source
    occurrence: int        # how many identical tokens came before it on the page
    anchor: str = ""       # element id given to the generated link, if any
    section: str = ""
    context: str = ""      # a few words of the text before it (paragraph references: the panel shows them)


@dataclass
class Figure:
    id: str
    number: str
    caption: str
    page: str              # src path
    line: int


@dataclass
class Quote:
    paragraph: int
    page: str
    line: int


@dataclass
class PageInfo:
    src: str               # path relative to docs_dir, POSIX
    url: str
    file: str              # path relative to the project root, for messages
    raw: str               # full source text with front matter, for locating tokens
    offset: int            # lines of front matter before the Markdown body
    meta: dict
    title: str = ""
    kind: str = "page"     # page, glossary, sources, terms, essay
    headings: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.meta.get("id") or self.src.rsplit("/", 1)[-1].removesuffix(".md"))

    @property
    def chapter(self) -> int | None:
        value = self.meta.get("chapter")
        return value if isinstance(value, int) else None

    @property
    def reader(self) -> bool:
        """False for a page about the handbook rather than of it (front matter `reader: false`: the changelog,
        the contributor guide): reader surfaces (backlinks, related reading, the index of terms, the sources'
        "Cited in", the editions' lists) leave it out, and search ranks it below the handbook's content."""
        return self.meta.get("reader", True) is not False

    @property
    def numbered_title(self) -> str:
        """The title as the navigation, the <title>, the h1 and the editions show it: "2. The middleman trap"
        for a chapter (front matter `chapter: 2`), else the title unchanged."""
        return chapter_title(self.chapter, self.title)

    @property
    def label(self) -> str:
        """How the page is named in backlinks: "Chapter 3", or its title."""
        return f"Chapter {self.chapter}" if self.chapter is not None else (self.title or self.id)
