"""data/notes.yml: the apparatus notes, each attached to an exact phrase (its lemma) of one numbered paragraph.

A lemma must stand in its paragraph once, or carry an occurrence number; otherwise the build fails with the
entry's line, the lemma and the nearest phrase of the paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..core.problems import Problem
from ..core.yamlsrc import Entry, load_entries
from .essay import Essay
from .passages import MARKS, Passages
from .schema import validate
from .schemas import NOTES

KINDS = {"explanatory": "Explanatory note", "translation": "Translation note", "textual": "Textual note"}
STATUSES = {"conjecture": "the editors' conjecture", "attested": "attested"}


@dataclass(frozen=True)
class Note:
    paragraph: int
    lemma: str
    start: int             # offset of the lemma in the paragraph's published text
    kind: str
    note: str              # Markdown; may hold [[…]] references
    number: int = 0        # its place among the notes of its paragraph: note ¶.number
    chinese: str = ""
    status: str = ""
    source: str = ""
    line: int = 0

    @property
    def id(self) -> str:
        return f"note-{self.paragraph}-{self.number}"

    @property
    def end(self) -> int:
        return self.start + len(self.lemma)


def load_notes(path: Path, label: str, essay: Essay, passages: Passages,
               sources: set[str]) -> tuple[dict[int, list[Note]], list[Problem]]:
    """The notes of each paragraph, in the order their lemmas stand in it. A missing file means no notes."""
    if not path.is_file():
        return {}, []
    entries, problems = load_entries(path, label)
    found: dict[int, list[Note]] = {}
    for entry in entries:
        note = _note(entry, label, essay, passages, sources, problems)
        if note is not None:
            found.setdefault(note.paragraph, []).append(note)
    numbered = {}
    for paragraph, notes in found.items():
        notes.sort(key=lambda n: n.start)
        numbered[paragraph] = [replace(note, number=k) for k, note in enumerate(notes, 1)]
    return numbered, problems


def _note(entry: Entry, label: str, essay: Essay, passages: Passages, sources: set[str],
          problems: list[Problem]) -> Note | None:
    values, found = validate(entry, NOTES, label)
    problems += found
    if found or not NOTES.complete(values):
        return None
    number, lemma, kind = values["paragraph"], values["lemma"], values["kind"]
    if number not in essay.paragraphs:
        problems.append(Problem(label, *entry.at("paragraph"), f"no paragraph ¶{number} in the essay",
                                hint=f"Write a number from 1 to {max(essay.paragraphs, default=0)}."))
        return None
    status, source = str(values.get("status") or ""), str(values.get("source") or "")
    if kind == "translation" and not (values.get("chinese") and status in STATUSES):
        problems.append(Problem(label, *entry.at("kind"), "a translation note gives the Chinese and its status",
                                hint="Add 'chinese:' and 'status: conjecture' (the editors' reconstruction) or "
                                     "'status: attested' with the 'source:' that contains it."))
        return None
    if status == "attested" and source not in sources:
        problems.append(Problem(label, *entry.at("status"), "an attested reading needs the source that attests it",
                                hint="Add 'source:' with an id of data/bibliography.yml, or write 'status: "
                                     "conjecture'."))
        return None
    start = _lemma_offset(entry, label, essay, passages, number, lemma, values.get("occurrence"), problems)
    if start is None:
        return None
    return Note(number, lemma, start, kind, values["note"].strip(), chinese=values.get("chinese", ""),
                status=status, source=source, line=entry.line)


def _lemma_offset(entry: Entry, label: str, essay: Essay, passages: Passages, number: int, lemma: str,
                  occurrence: int | None, problems: list[Problem]) -> int | None:
    """Where the lemma stands in ¶number (straight and curly marks alike), or None with a problem."""
    text, wanted = essay.paragraphs[number].text.translate(MARKS), lemma.translate(MARKS)
    offsets, start = [], text.find(wanted) if wanted else -1
    while start >= 0:
        offsets.append(start)
        start = text.find(wanted, start + 1)
    if not offsets:
        phrase = passages.nearest_phrase(lemma, number)
        nearest = f" The nearest phrase is '{phrase}' (¶{number})." if phrase else ""
        problems.append(Problem(label, *entry.at("lemma"), f"the lemma does not stand in ¶{number}", text=lemma,
                                hint=f"Copy the words exactly from the essay.{nearest}"))
        return None
    if occurrence is None:
        if len(offsets) > 1:
            problems.append(Problem(label, *entry.at("lemma"), f"the lemma stands {len(offsets)} times in ¶{number}",
                                    text=lemma, hint=f"Add 'occurrence:' (1 to {len(offsets)}) to say which."))
            return None
        return offsets[0]
    if occurrence > len(offsets):
        problems.append(Problem(label, *entry.at("occurrence"), f"occurrence {occurrence!r} of a lemma that stands "
                                f"{len(offsets)} time(s) in ¶{number}", text=lemma,
                                hint=f"Write a number from 1 to {len(offsets)}."))
        return None
    return offsets[occurrence - 1]
