"""Stage 1: the data loaded once per build (the essay and its edition, the bibliography, the glossary) into one
frozen model that every later stage reads and none changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..check.source import data_file_problems
from ..core.model import Source, Term
from ..core.problems import Problem
from .term_index import TermIndex
from .bibliography import load_bibliography
from .essay import Essay, load_edition, parse_essay
from .glossary import load_glossary
from .notes import Note, load_notes
from .passages import Passages

DEFAULTS = {"essay": "essay/source.txt", "edition": "essay/edition.yml", "glossary": "data/glossary.yml",
            "bibliography": "data/bibliography.yml", "notes": "data/notes.yml", "essay_url": "",
            "cache": ".cache/diagrams"}


@dataclass(frozen=True)
class Settings:
    root: Path                 # folder of mkdocs.yml: data paths are relative to it
    docs_dir: Path
    site_name: str = ""
    site_url: str = ""
    paths: dict = field(default_factory=lambda: dict(DEFAULTS))

    @classmethod
    def from_config(cls, config_file: str, docs_dir: str, options: dict | None, site_name: str = "",
                    site_url: str = "") -> Settings:
        paths = dict(DEFAULTS)
        paths.update({k: str(v) for k, v in (options or {}).items() if k in DEFAULTS and v})
        return cls(Path(config_file).resolve().parent, Path(docs_dir).resolve(), site_name or "", site_url or "",
                   paths)

    def path(self, key: str) -> Path:
        return (self.root / self.paths[key]).resolve()

    def label(self, key: str) -> str:
        return self.paths[key]

    def file_label(self, src: str) -> str:
        """A page's path as problems name it: relative to mkdocs.yml's folder when the docs are inside it."""
        try:
            folder = self.docs_dir.relative_to(self.root).as_posix()
        except ValueError:
            return src
        return src if folder == "." else f"{folder}/{src}"


@dataclass(frozen=True)
class Data:
    essay: Essay
    sources: dict[str, Source]
    terms: dict[str, Term]
    index: TermIndex           # the glossary's wordings, for autolinks
    passages: Passages         # the essay's reading text, for checking quotations of it
    notes: dict[int, list[Note]] = field(default_factory=dict)   # the apparatus notes of each paragraph

    def data_files(self, settings: Settings) -> list[tuple[str, str]]:
        """(label, text) of the data files whose Markdown reaches pages: where a token that is in no page's
        source came from."""
        found = []
        for key in ("glossary", "bibliography", "notes"):
            path = settings.path(key)
            if path.is_file():
                found.append((settings.label(key), path.read_text(encoding="utf-8", errors="replace")))
        return found


def load_data(settings: Settings) -> tuple[Data, list[Problem]]:
    """Everything read once per build, and every problem found in it."""
    problems: list[Problem] = []
    edition, found = load_edition(settings.path("edition"), settings.label("edition"))
    problems += found
    essay, found = parse_essay(settings.path("essay"), edition, settings.label("essay"), settings.label("edition"))
    if settings.paths.get("essay_url"):
        essay.url = settings.paths["essay_url"]
    problems += found
    sources, found = load_bibliography(settings.path("bibliography"), settings.label("bibliography"))
    problems += found
    terms, found = load_glossary(settings.path("glossary"), settings.label("glossary"), sources)
    problems += found
    passages = Passages(essay)
    notes, found = load_notes(settings.path("notes"), settings.label("notes"), essay, passages, set(sources))
    problems += found
    unreadable = {problem.file for problem in problems if problem.message.startswith("the file is not UTF-8")}
    for key in ("glossary", "bibliography", "notes"):  # their Markdown reaches readers too
        if settings.label(key) not in unreadable:
            problems += data_file_problems(settings.path(key), settings.label(key),
                                           passages if key != "bibliography" else None)
    return Data(essay, sources, terms, TermIndex(terms), passages, notes), problems
