"""What the pages hold, for the cross-page checks and the final pass: every page, figure and quotation, and the
generated pages by kind. Filled by the Markdown step and the scan, page by page; frozen once every page is
known, and from then on only read."""
from __future__ import annotations

from dataclasses import replace

from ..core.model import Figure, PageInfo, Quote, Source, Term
from ..load.passages import Passages


class Registry:
    def __init__(self, terms: dict[str, Term], sources: dict[str, Source], paragraphs: set[int],
                 passages: Passages | None = None) -> None:
        self.terms = terms
        self.sources = sources
        self.paragraphs = paragraphs
        self.passages = passages                       # the essay's words, for [[q:N|…]] quotations
        self.notes: dict[int, list] = {}               # the apparatus notes of each paragraph (load/notes.py)
        self.paragraph_terms: dict[int, list[str]] = {}  # the glossary terms each paragraph names
        self.pages: dict[str, PageInfo] = {}          # by src path
        self.figures: dict[str, list[Figure]] = {}
        self.quotes: dict[int, list[Quote]] = {}
        self.special: dict[str, str] = {}              # glossary/sources/terms/essay -> src path
        self.by_id: dict[str, PageInfo] = {}           # pages by front-matter id (the first wins): see freeze()
        self.frozen = False

    @classmethod
    def for_data(cls, data) -> Registry:
        """An empty registry for a build of `data` (load/data.py), with what it knows of the essay from the start."""
        registry = cls(data.terms, data.sources, set(data.essay.paragraphs), data.passages)
        registry.notes = data.notes
        registry.paragraph_terms = {number: list(dict.fromkeys(term for _, _, term in data.index.matches(text)))
                                    for number, text in data.passages.texts.items()}
        return registry

    def freeze(self) -> Registry:
        """Every page is known: index the pages by id. The registry is only read from now on."""
        self.by_id = {}
        for page in self.pages.values():
            self.by_id.setdefault(page.id, page)
        self.frozen = True
        return self

    def adopt(self, pages: dict[str, PageInfo], figures: dict[str, list[Figure]], quotes: dict[int, list[Quote]],
              special: dict[str, str]) -> Registry:
        """Take what another process's registry found (a worker's final pass), and freeze."""
        self.pages, self.figures, self.quotes, self.special = pages, figures, quotes, special
        return self.freeze()

    def parts(self) -> tuple:
        """What adopt() takes, without what only the build's own checks read (sources, references, headings
        come again from a worker's own scans)."""
        pages = {src: replace(page, raw="", references=[], headings={}) for src, page in self.pages.items()}
        return pages, self.figures, self.quotes, self.special

    def special_page(self, kind: str) -> PageInfo | None:
        src = self.special.get(kind)
        return self.pages.get(src) if src else None
