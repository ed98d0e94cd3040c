"""Bad data, table-driven: each value the schema rejects (hooks/xref/load/schemas.py: the glossary, the bibliography,
a page's front matter) fails the build of a copy of the handbook with file:line:column, what is wrong and what to
do, a non-zero exit, no traceback and nothing published."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from support.bad_input import Case, assert_fails_clearly, replace_once, reuse_diagram_cache

GLOSSARY = "data/glossary.yml"
BIBLIOGRAPHY = "data/bibliography.yml"
CHAPTER3 = "docs/chapters/03-new-infrastructure.md"
ABOUT = "docs/about.md"


def at(file: str, anchor: str, column: int = 1, below: int = 0) -> str:
    """The regex of `file:line:column:` where `anchor` is (or else starts) a line of the handbook's own file, plus
    `below` lines: the copy the test breaks is the same file until the case changes it."""
    lines = (ROOT / file).read_text(encoding="utf-8").split("\n")
    exact = [i for i, text in enumerate(lines, start=1) if text == anchor]
    line = (exact or [i for i, text in enumerate(lines, start=1) if text.startswith(anchor)])[0] + below
    return re.escape(f"{file}:{line}:{column}:")


def edit(file: str, old: str, new: str):
    return lambda root: replace_once(root / file, old, new)


def front_matter(file: str, lines: str):
    """Add lines at the end of a page's front matter (before its closing '---')."""
    def breaks(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        end = text.index("\n---\n", 4)
        path.write_text(text[:end] + "\n" + lines + text[end:], encoding="utf-8")
    return breaks


def not_utf8(root: Path) -> None:
    path = root / GLOSSARY
    old, new = "  pinyin: jīnróng kējì\n".encode(), b"  pinyin: jinrong keji \xff\n"
    path.write_bytes(path.read_bytes().replace(old, new, 1))


FINTECH_ALIASES = "  aliases: [financial technology]"
CHINA_DAILY_URL = "  url: http://covid-19.chinadaily.com.cn/bizchina/2015-07/18/content_21320303.htm"
ABOUT_END = 4    # the line of about.md's closing '---': lines added to its front matter start here

CASES = [
    # --- the glossary
    Case("an alias that is a common word", edit(GLOSSARY, FINTECH_ALIASES, FINTECH_ALIASES[:-1] + ", the]"),
         at(GLOSSARY, FINTECH_ALIASES, len(FINTECH_ALIASES) + 2), r"fintech: the alias 'the' is a common English "
         r"word: it would link on every page", r"Remove it, or choose a wording that names the entry only; link a "
         r"common word by hand with \[\[term:fintech\|the\]\]"),
    Case("a term mixing Latin and Cyrillic letters", edit(GLOSSARY, "  term: fintech\n", "  term: fint\u0435ch\n"),
         at(GLOSSARY, "  term: fintech", 3), "fintech: the term 'fint\u0435ch' mixes Latin and Cyrillic letters in "
         "'fint\u0435ch' \\('\u0435' is CYRILLIC SMALL LETTER IE\\)", r"Retype '\u0435' \(U\+0435\) as a Latin letter"),
    Case("a key written twice in an entry", edit(GLOSSARY, FINTECH_ALIASES, FINTECH_ALIASES + "\n  term: FinTech"),
         at(GLOSSARY, FINTECH_ALIASES, 3, below=1), r"the key 'term' is written twice in this entry \(first at line "
         r"\d+\): YAML would keep only the last one", r"Keep one 'term:' line in the entry"),
    Case("a list where a text belongs",
         edit(GLOSSARY, "  pinyin: jīnróng kējì\n", "  pinyin: [jīnróng, kējì]\n"),
         at(GLOSSARY, "  pinyin: jīnróng kējì", 3),
         r"fintech: 'pinyin' must be text, not a list",
         r"Write a single text after 'pinyin:'; quote it if it starts with '\['"),
    Case("a glossary that is not UTF-8", not_utf8,
         at(GLOSSARY, "  pinyin: jīnróng kējì", len("  pinyin: jinrong keji ") + 1),
         r"the file is not UTF-8 text \(byte 0xff\)", r"Save it as UTF-8"),
    # --- the bibliography
    Case("a javascript: url", edit(BIBLIOGRAPHY, CHINA_DAILY_URL, "  url: javascript:alert(document.domain)"),
         at(BIBLIOGRAPHY, CHINA_DAILY_URL, 3), r"internet-finance-opinions-2015: url 'javascript:alert\(document\.domain\)' "
         r"is not a web address \(http:// or https://\)", r"starting with https:// \(or http://\); other schemes "
         r"such as javascript: or data: are not allowed"),
    Case("a data: url", edit(BIBLIOGRAPHY, CHINA_DAILY_URL, "  url: 'data:text/html;base64,PHNjcmlwdD4='"),
         at(BIBLIOGRAPHY, CHINA_DAILY_URL, 3), r"url 'data:text/html;base64,PHNjcmlwdD4=' is not a web address",
         r"Give the address of the page, starting with https://"),
    Case("an impossible date, quoted", edit(BIBLIOGRAPHY, 'date: "2015-07-18"', 'date: "2015-02-30"'),
         at(BIBLIOGRAPHY, '  date: "2015-07-18"', 3), r"internet-finance-opinions-2015: date '2015-02-30' is not a date of "
         r"the calendar", r"Check the day and the month"),
    Case("an impossible date, unquoted", edit(BIBLIOGRAPHY, 'date: "2015-07-18"', "date: 2015-02-30"),
         at(BIBLIOGRAPHY, '  date: "2015-07-18"', 3), r"internet-finance-opinions-2015: date '2015-02-30' is not a date of "
         r"the calendar", r"Check the day and the month \(a month has 28 to 31 days\)"),
    Case("a javascript: url for the essay",
         edit("essay/edition.yml", "url: https://www.litk.net/", "url: javascript:alert(1)//www.litk.net/"),
         at("essay/edition.yml", "url: https://www.litk.net/"), r"url 'javascript:alert\(1\)//www\.litk\.net/\S*' is "
         r"not a web address", r"starting with https://"),
    # --- the front matter
    Case("a chapter number in words", edit(CHAPTER3, "chapter: 3\n", 'chapter: "three"\n'), at(CHAPTER3, "chapter:"),
         r"'chapter' must be a whole number, not 'three'", r"Write a number without quotes, like chapter: 3"),
    Case("a chapter that is true", edit(CHAPTER3, "chapter: 3\n", "chapter: true\n"), at(CHAPTER3, "chapter:"),
         r"'chapter' must be a whole number, not true \(YAML reads it as a yes/no value\)",
         r"Write a number without quotes"),
    Case("a page id that breaks the pattern", edit(ABOUT, "id: about\n", "id: About_Page\n"), at(ABOUT, "id:"),
         r"page id 'About_Page' must be lowercase letters, digits and hyphens", r"Try 'about-page'"),
    Case("a title YAML reads as yes", edit(ABOUT, "title: About this edition\n", "title: yes\n"), at(ABOUT, "title:"),
         r"'title' must be text, not yes \(YAML reads it as a yes/no value\)", r"in quotes if YAML reads it "
         r"otherwise: title: \"yes\""),
    Case("autolink as text", front_matter(ABOUT, 'autolink: "false"'), re.escape(f"{ABOUT}:{ABOUT_END}:1:"),
         r"'autolink' must be true or false, not 'false'", r"Write autolink: true or autolink: false, without quotes"),
    Case("search.exclude that is not true or false", front_matter(ABOUT, "search:\n  exclude: maybe"),
         re.escape(f"{ABOUT}:{ABOUT_END + 1}:3:"), r"'search\.exclude' must be true or false, not 'maybe'",
         r"Write exclude: true or exclude: false"),
    Case("a front-matter key written twice", front_matter(ABOUT, "id: about-again"),
         re.escape(f"{ABOUT}:{ABOUT_END}:1:"), r"the key 'id' is written twice in this entry \(first at line 2\)",
         r"Keep one 'id:' line"),
    Case("an impossible date in the front matter", front_matter(ABOUT, "updated: 2023-02-30"),
         re.escape(f"{ABOUT}:{ABOUT_END}:10:"), r"'2023-02-30' reads as a date but there is no such day: MkDocs "
         r"would ignore the whole front matter", r"Fix the date, or quote it: \"2023-02-30\""),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_data_fails_the_build_clearly(case, handbook_copy, tmp_path):
    reuse_diagram_cache(handbook_copy)
    case.breaks(handbook_copy)
    site = tmp_path / "site"
    result = run_build(handbook_copy, site)
    assert_fails_clearly(case, result.stdout + result.stderr, result.returncode, site)


def test_the_front_matter_cases_add_their_lines_where_they_expect():
    about = (ROOT / ABOUT).read_text(encoding="utf-8").split("\n")
    assert about[0] == "---" and about[ABOUT_END - 1] == "---", "about.md's front matter changed: update ABOUT_END"


def test_each_mistake_gives_one_message(handbook_copy, tmp_path):
    """An entry with a bad optional value still stands (the build fails on that value), so references to it do
    not add messages of their own: one message per mistake, all in one report."""
    together = ["an alias that is a common word", "a list where a text belongs", "a javascript: url",
                "an impossible date, unquoted", "a chapter that is true", "autolink as text"]
    reuse_diagram_cache(handbook_copy)
    cases = [case for case in CASES if case.name in together]
    for case in cases:
        case.breaks(handbook_copy)
    result = run_build(handbook_copy, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and not (tmp_path / "site").exists()
    missing = [case.name for case in cases if not re.search(case.where + r" .*" + case.says, output)]
    assert not missing, f"not reported in the same build: {missing}\n{output}"
    assert f"found {len(cases)} problem(s)" in output, output
