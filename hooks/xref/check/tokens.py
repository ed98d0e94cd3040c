"""[[…]] tokens that the scan could not replace, and would publish as they stand: one never closed, one inside a
link's text; and tokens where the engine never looks (a page's front matter: its title)."""
from __future__ import annotations

from ..core.markdown_syntax import front_matter_lines
from ..core.model import PageInfo
from ..core.problems import Problem, locate

WHAT = {
    "unterminated": ("a [[…]] reference is never closed",
                     "Close it with ']]' in the same paragraph, or put literal brackets in code: `[[`."),
    "link": ("a [[…]] reference inside a link's text is not resolved",
             "Move it out of the link's text, or let the reference be the link: [[kind:id|text]]."),
}


def stray_token_problems(page: PageInfo, stray: list[tuple[str, str]],
                         data_files: tuple[tuple[str, str], ...] = ()) -> list[Problem]:
    """A problem for each token the scan left on `page`, located in its source or the data file it came from."""
    problems, seen = [], {}
    for kind, token in stray:
        occurrence = seen.get(token, 0)
        seen[token] = occurrence + 1
        message, hint = WHAT[kind]
        file, line, column = locate_in_sources(page, token, occurrence, data_files)
        problems.append(Problem(file, line, column, message, text=token, hint=hint))
    return problems


def locate_in_sources(page: PageInfo, text: str, occurrence: int = 0,
                      data_files: tuple[tuple[str, str], ...] = ()) -> tuple[str, int, int]:
    """Where `text` stands in the page's source, else in the data file it came from; else the page's line 1."""
    where = locate(page.raw, text, occurrence)
    if where:
        return page.file, *where
    for label, data in data_files:
        where = locate(data, text)
        if where:
            return label, *where
    return page.file, 1, 1


def front_matter_token_problems(raw: str, file: str) -> list[Problem]:
    """Tokens in the front matter: MkDocs puts its title in <title> and the navigation, where nothing replaces them."""
    block = front_matter_lines(raw)
    if block is None or block[1] < 0:
        return []
    problems = []
    for number, line in enumerate(raw.split("\n")[1:block[1]], start=2):
        column = line.find("[[")
        if column >= 0:
            problems.append(Problem(file, number, column + 1, "a [[…]] reference in the front matter is published "
                                    "as it stands (in the page's <title> and the navigation)",
                                    text=line.strip(), hint="Write the plain words there; references work in the "
                                    "page's text."))
    return problems


def heading_token_problems(masked: str, file: str) -> list[Problem]:
    """Tokens in a heading (code masked out): the table of contents is made from the heading as written."""
    problems = []
    for number, line in enumerate(masked.split("\n"), start=1):
        if line.lstrip().startswith("#") and "[[" in line:
            problems.append(Problem(file, number, line.find("[[") + 1, "a [[…]] reference in a heading is published "
                                    "as it stands in the table of contents", text=line.strip(),
                                    hint="Write the plain words in the heading; refer in the text below it."))
    return problems
