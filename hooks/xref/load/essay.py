"""The essay: numbered paragraphs parsed from the source as published, checked against essay/edition.yml, and
the editorial repairs applied for reading."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from ..core.problems import Problem
from ..core.yamlsrc import compose, entry_of, safe_load_text
from .schema import validate
from .schemas import EDITION

BLANK = " \t\xa0\u200b\ufeff\r"
# A full stop (or ? ; !) glued to the next sentence: "on.Different". Repaired by inserting a space.
MISSING_SPACE_RE = re.compile(r"(?<=[a-z0-9”’\"')])[.?;!](?=[A-Z“‘])")
REPAIR_HTML = '<ins class="ed-repair" title="Editorial repair: space added"> </ins>'


@dataclass
class Paragraph:
    number: int
    text: str              # exactly as published (a fused heading removed)
    line: int              # 1-based line in the source file
    heading: str = ""      # the essay's own heading standing before it

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Essay:
    title: str
    url: str
    published: str
    paragraphs: dict[int, Paragraph]
    corrections: list[dict] = field(default_factory=list)
    source_label: str = "essay/source.txt"
    edition_label: str = "essay/edition.yml"

    @property
    def site(self) -> str:
        return urlparse(self.url).netloc.removeprefix("www.") if self.url else ""

    def citation(self, number: int, handbook: str, page_url: str) -> str:
        parts = [self.title, f"¶{number}", self.site, self.published]
        return ", ".join(p for p in parts if p) + f", in: {handbook}, {page_url}#para-{number}"


def load_edition(path: Path, label: str) -> tuple[dict, list[Problem]]:
    if not path.is_file():
        return {}, [Problem(label, 1, 1, "edition file not found", hint="See docs/contributing.md for its schema.")]
    try:
        data = safe_load_text(path.read_text(encoding="utf-8")) or {}   # dates stay text: 2023-02-30 is no crash
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, [Problem(label, mark.line + 1 if mark else 1, 1, f"invalid YAML: {error}")]
    if not isinstance(data, dict):
        return {}, [Problem(label, 1, 1, "expected a mapping (title:, end_marker:, …)")]
    root, _ = compose(path.read_text(encoding="utf-8"), label)
    entry, problems = entry_of(root, label)
    return data, problems + validate(entry, EDITION, label)[1]   # the url reaches readers: http(s) only


def split_blocks(text: str, end_marker: str) -> tuple[str, int, list[tuple[int, str]], bool]:
    """(title, title line, [(line, block text)], end marker found) for the source text."""
    lines = text.replace("\r\n", "\n").split("\n")
    title, title_line, start = "", 0, 0
    for index, line in enumerate(lines):
        if line.strip(BLANK):
            title, title_line, start = line.strip(BLANK), index + 1, index + 1
            break
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    current_line = 0
    found_end = False
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip(BLANK) == end_marker:
            found_end = True
            break
        if line.strip(BLANK):
            if not current:
                current_line = index + 1
            current.append(line)
        elif current:
            blocks.append((current_line, "\n".join(current)))
            current = []
    if current:
        blocks.append((current_line, "\n".join(current)))
    return title, title_line, blocks, found_end


def parse_essay(source_path: Path, edition: dict, source_label: str, edition_label: str) -> tuple[Essay, list[Problem]]:
    """Number the body paragraphs and check each against the hash recorded in the edition."""
    problems: list[Problem] = []
    text = source_path.read_text(encoding="utf-8") if source_path.is_file() else ""
    if not text:
        problems.append(Problem(source_label, 1, 1, "essay source not found or empty"))
    end_marker = str(edition.get("end_marker", ""))
    title, title_line, blocks, found_end = split_blocks(text, end_marker)
    if text and end_marker and not found_end:
        problems.append(Problem(source_label, 1, 1, f"end marker {end_marker!r} not found",
                                hint=f"Set end_marker in {edition_label} to the first line of web-page boilerplate."))
    expected_title = str(edition.get("title", ""))
    if text and expected_title and title != expected_title:
        problems.append(Problem(source_label, title_line or 1, 1, "the first line is not the title recorded in "
                                f"{edition_label}", text=title, hint=f"Expected {expected_title!r}."))
    headings = {str(h.get("text")): h for h in edition.get("headings") or [] if isinstance(h, dict)}
    paragraphs: dict[int, Paragraph] = {}
    pending_heading = ""
    for line, block in blocks:
        stripped = block.strip(BLANK)
        if stripped in headings and not headings[stripped].get("fused"):
            pending_heading = stripped
            continue
        heading = pending_heading
        for name, spec in headings.items():
            if spec.get("fused") and stripped.startswith(name + " "):
                heading, stripped = name, stripped[len(name) + 1:]
        number = len(paragraphs) + 1
        paragraphs[number] = Paragraph(number, stripped, line, heading)
        pending_heading = ""
    problems += _check_against_edition(paragraphs, headings, edition, source_label, edition_label)
    essay = Essay(title=title or expected_title, url=str(edition.get("url", "")),
                  published=str(edition.get("published", "")), paragraphs=paragraphs,
                  corrections=list(edition.get("corrections") or []), source_label=source_label,
                  edition_label=edition_label)
    return essay, problems


def _check_against_edition(paragraphs, headings, edition, source_label, edition_label) -> list[Problem]:
    problems = []
    for name, spec in headings.items():
        before = spec.get("before")
        if before not in paragraphs or paragraphs[before].heading != name:
            problems.append(Problem(edition_label, 1, 1, f"heading {name!r} does not stand before ¶{before} in "
                                    f"{source_label}", hint="Check 'headings' (text, before, fused)."))
    hashes = {int(k): str(v) for k, v in (edition.get("paragraphs") or {}).items()}
    for number, paragraph in paragraphs.items():
        recorded = hashes.get(number)
        if recorded is None:
            problems.append(Problem(source_label, paragraph.line, 1, f"¶{number} has no SHA-256 in {edition_label}",
                                    text=paragraph.text[:60],
                                    hint="The edition records every paragraph as published; add its hash."))
        elif recorded != paragraph.sha256:
            problems.append(Problem(source_label, paragraph.line, 1, f"¶{number} no longer matches the text recorded "
                                    f"in {edition_label} (SHA-256 differs)", text=paragraph.text[:60],
                                    hint="The essay must stay exactly as published: restore the source."))
    for number in sorted(set(hashes) - set(paragraphs)):
        problems.append(Problem(source_label, 1, 1, f"¶{number} is recorded in {edition_label} but the source has "
                                f"only {len(paragraphs)} paragraphs", hint="Restore the source as published."))
    return problems


def missing_spaces(text: str) -> list[int]:
    """Offsets just after each punctuation mark that lacks the following space."""
    return [match.end() for match in MISSING_SPACE_RE.finditer(text)]


def repairs(essay: Essay) -> list[tuple[int, str, str]]:
    """Every missing-space repair: (¶, as published, as read), with a few words of context."""
    found = []
    for number, paragraph in essay.paragraphs.items():
        for offset in missing_spaces(paragraph.text):
            start = paragraph.text.rfind(" ", 0, offset - 1) + 1
            end = paragraph.text.find(" ", offset)
            end = len(paragraph.text) if end < 0 else end
            published = paragraph.text[start:end]
            found.append((number, published, published[: offset - start] + " " + published[offset - start:]))
    return found
