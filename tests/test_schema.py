"""The schema of the data files and of the front matter (hooks/xref/load/schemas.py): every field's type, its
allowed values and the message each rejection gives, with its line and column; and the wordings with punctuation
inside (Yu'e Bao, C++, a.b) that the glossary's index now matches."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from xref.check.front_matter import front_matter_problems
from xref.core.markdown_syntax import mask_markdown
from xref.core.model import Source, Term
from xref.core.yamlsrc import compose, entry_of, safe_load_text
from xref.load.bibliography import load_bibliography
from xref.load.glossary import key_of, load_glossary
from xref.load.schema import validate
from xref.load.essay import load_edition
from xref.load.schemas import BIBLIOGRAPHY, EDITION, FRONT_MATTER, GLOSSARY
from xref.load.term_index import TermIndex

SOURCES = {"bis-2019": Source("bis-2019", "BIS", "T", "2019")}
ENTRY = """\
- id: fintech
  term: fintech
  short: Technology in finance.
  definition: Long text.
  sources: [bis-2019]
"""


def glossary_messages(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "glossary.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [problem.format() for problem in load_glossary(path, "data/glossary.yml", SOURCES)[1]]


def bibliography_messages(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bibliography.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [problem.format() for problem in load_bibliography(path, "data/bibliography.yml")[1]]


def front_matter_messages(yaml_text: str) -> list[str]:
    return [problem.format() for problem in front_matter_problems(f"---\n{yaml_text}\n---\n# A\n", "docs/a.md")]


# --- glossary ----------------------------------------------------------------------------------------------------

GLOSSARY_CASES = [
    ("an alias that is a common word", "  aliases: [the]\n",
     "data/glossary.yml:6:13: fintech: the alias 'the' is a common English word: it would link on every page that "
     "uses it. Remove it, or choose a wording that names the entry only; link a common word by hand with "
     "[[term:fintech|the]]."),
    ("an alias of common words only", "  aliases: [Of The]\n",
     "data/glossary.yml:6:13: fintech: the alias 'Of The' is a common English word (wordings match whatever their "
     "case): it would link on every page"),
    ("a Cyrillic letter in a Latin alias", "  aliases: [fint\u0435ch firm]\n",
     "data/glossary.yml:6:13: fintech: the alias 'fint\u0435ch firm' mixes Latin and Cyrillic letters in "
     "'fint\u0435ch' ('\u0435' is CYRILLIC SMALL LETTER IE): it looks like another word and matches no text. "
     "Retype '\u0435' (U+0435) as a Latin letter."),
    ("a Greek letter in a Latin alias", "  aliases: [fintech \u03bfnline]\n",
     "('\u03bf' is GREEK SMALL LETTER OMICRON)"),
    ("a key written twice", "  short: Again.\n",
     "data/glossary.yml:6:3: the key 'short' is written twice in this entry (first at line 3): YAML would keep only "
     "the last one. Keep one 'short:' line in the entry."),
    ("a list where a text belongs", "  chinese: [one, two]\n",
     "data/glossary.yml:6:3: fintech: 'chinese' must be text, not a list. Write a single text after 'chinese:'; "
     "quote it if it starts with '[' or '{' (a list would be published as ['a', 'b'])."),
    ("keys where a list belongs", "  related: {a: b}\n",
     "data/glossary.yml:6:3: fintech: 'related' must be a list of texts, like [a, b], not keys with values. "
     "Write related: [a, b], each item a text."),
    ("a list inside a list", "  aliases: [[a, b]]\n",
     "data/glossary.yml:6:13: fintech: an item of 'aliases' must be text, not a list. Write aliases: [a, b], each "
     "item a text."),
    ("autolink as text", "  autolink: 'no'\n",
     "data/glossary.yml:6:3: fintech: 'autolink' must be true or false, not 'no'. Write autolink: true or "
     "autolink: false, without quotes."),
    ("an unknown key", "  defintion: x\n",
     "data/glossary.yml:6:3: unknown key 'defintion'. Did you mean 'definition'?"),
]


@pytest.mark.parametrize("name, extra, expected", GLOSSARY_CASES, ids=[c[0] for c in GLOSSARY_CASES])
def test_glossary_rejections(tmp_path, name, extra, expected):
    messages = glossary_messages(tmp_path, ENTRY + extra)
    assert any(message.startswith(expected) or expected in message for message in messages), messages


def test_a_term_mixing_scripts_and_a_multi_line_short_are_placed_at_their_key(tmp_path):
    messages = glossary_messages(tmp_path, ENTRY.replace("term: fintech", "term: fin\u0442ech").replace(
        "short: Technology in finance.", "short: |\n    Two\n    lines"))
    assert messages[0].startswith("data/glossary.yml:2:3: fintech: the term 'fin\u0442ech' mixes Latin and Cyrillic")
    assert messages[1] == ("data/glossary.yml:3:3: fintech: 'short' must be one line (it is the tooltip). Write a "
                           "single text after 'short:'.")


def test_a_term_that_is_a_list_is_rejected_not_published(tmp_path):
    messages = glossary_messages(tmp_path, ENTRY.replace("term: fintech", "term: [one, two]"))
    assert messages == ["data/glossary.yml:2:3: fintech: 'term' must be text, not a list. Write a single text "
                        "after 'term:'; quote it if it starts with '[' or '{' (a list would be published as "
                        "['a', 'b'])."]


def test_text_is_read_as_written_and_a_single_alias_is_a_list(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text(ENTRY.replace("term: fintech", "term: yes") + "  aliases: Yes Bank\n  pinyin: 0x10\n",
                    encoding="utf-8")
    terms, problems = load_glossary(path, "g.yml", SOURCES)
    assert problems == []
    assert (terms["fintech"].term, terms["fintech"].aliases, terms["fintech"].pinyin) == ("yes", ["Yes Bank"], "0x10")


def test_a_data_file_that_is_not_utf8_is_located(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_bytes(b"- id: cafe\n  term: caf\xe9\n")
    _, problems = load_glossary(path, "data/glossary.yml", SOURCES)
    assert [p.format() for p in problems] == ["data/glossary.yml:2:12: the file is not UTF-8 text (byte 0xe9). "
                                              "Save it as UTF-8."]


# --- bibliography ------------------------------------------------------------------------------------------------

BIBLIOGRAPHY_CASES = [
    ("a javascript: url", "  url: javascript:alert(1)\n",
     "data/bibliography.yml:4:3: bis-2019: url 'javascript:alert(1)' is not a web address (http:// or https://). "
     "Give the address of the page, starting with https:// (or http://); other schemes such as javascript: or "
     "data: are not allowed."),
    ("a data: url", "  url: 'data:text/html,<b>x</b>'\n", "url 'data:text/html,<b>x</b>' is not a web address"),
    ("a url without a host", "  url: https:///path\n", "url 'https:///path' is not a web address"),
    ("an impossible date, quoted", "  date: '2023-02-30'\n",
     "data/bibliography.yml:4:3: bis-2019: date '2023-02-30' is not a date of the calendar. Check the day and the "
     "month (a month has 28 to 31 days); leave out what is not known."),
    ("an impossible date, unquoted", "  date: 2023-02-30\n", "date '2023-02-30' is not a date of the calendar"),
    ("an impossible month", "  date: 2023-13\n", "date '2023-13' is not a date of the calendar"),
    ("a date in words", "  date: July 2015\n",
     "data/bibliography.yml:4:3: bis-2019: date 'July 2015' is not YYYY-MM-DD, YYYY-MM or YYYY. Write the date as "
     "far as it is known, e.g. 2015-07-18."),
    ("a bad id", "", "data/bibliography.yml:1:3: source id 'BIS 2019' must be lowercase letters, digits, hyphens "
     "and dots. Try 'bis-2019'."),
    ("a title that is a list", "  title: [Report]\n", "bis-2019: 'title' must be text, not a list"),
]


@pytest.mark.parametrize("name, extra, expected", BIBLIOGRAPHY_CASES, ids=[c[0] for c in BIBLIOGRAPHY_CASES])
def test_bibliography_rejections(tmp_path, name, extra, expected):
    entry = "- id: bis-2019\n  publisher: BIS\n" + ("" if "title" in extra else "  title: T\n") + extra
    if name == "a bad id":
        entry = entry.replace("id: bis-2019", "id: BIS 2019")
    messages = bibliography_messages(tmp_path, entry)
    assert any(message.startswith(expected) or expected in message for message in messages), messages


def test_valid_dates_and_urls_pass_and_dates_stay_text(tmp_path):
    path = tmp_path / "bibliography.yml"
    path.write_text("- id: a\n  publisher: P\n  title: T\n  date: 2020-02-29\n  url: https://example.org/a?b#c\n"
                    "- id: b.2\n  publisher: P\n  title: T\n  date: 2021-06\n  url: http://example.org\n",
                    encoding="utf-8")
    sources, problems = load_bibliography(path, "b.yml")
    assert problems == []
    assert (sources["a"].date, sources["b.2"].date) == ("2020-02-29", "2021-06")


def test_the_edition_file_keeps_an_unquoted_date_as_text():
    assert safe_load_text("published: 2023-02-30\n") == {"published": "2023-02-30"}


def test_the_edition_url_and_date_are_checked(tmp_path):
    path = tmp_path / "edition.yml"
    path.write_text("title: T\nurl: javascript:alert(1)\npublished: 2023-02-30\nend_marker: End\n", encoding="utf-8")
    edition, problems = load_edition(path, "essay/edition.yml")
    assert edition["published"] == "2023-02-30"
    assert [p.format() for p in problems] == [
        "essay/edition.yml:2:1: url 'javascript:alert(1)' is not a web address (http:// or https://). Give the "
        "address of the page, starting with https:// (or http://); other schemes such as javascript: or data: are "
        "not allowed.",
        "essay/edition.yml:3:1: date '2023-02-30' is not a date of the calendar. Check the day and the month (a "
        "month has 28 to 31 days); leave out what is not known."]


# --- front matter ------------------------------------------------------------------------------------------------

FRONT_MATTER_CASES = [
    ('chapter: "three"', "docs/a.md:2:1: 'chapter' must be a whole number, not 'three'. Write a number without "
     "quotes, like chapter: 3."),
    ("chapter: true", "docs/a.md:2:1: 'chapter' must be a whole number, not true (YAML reads it as a yes/no "
     "value). Write a number without quotes, like chapter: 3."),
    ("chapter: 0", "docs/a.md:2:1: 'chapter' must be a whole number from 1, not 0."),
    ("chapter: 2.5", "docs/a.md:2:1: 'chapter' must be a whole number, not the number 2.5."),
    ("id: Bad_Id", "docs/a.md:2:1: page id 'Bad_Id' must be lowercase letters, digits and hyphens. Try 'bad-id'."),
    ("id: 2019", "docs/a.md:2:1: 'id' must be text, not the number 2019. Write a text after 'id:', in quotes if "
     "YAML reads it otherwise: id: \"2019\"."),
    ("title: yes", "docs/a.md:2:1: 'title' must be text, not yes (YAML reads it as a yes/no value)."),
    ("title: [a, b]", "docs/a.md:2:1: 'title' must be text, not a list."),
    ("id: a\ntitle: A\nautolink: 'false'", "docs/a.md:4:1: 'autolink' must be true or false, not 'false'. Write "
     "autolink: true or autolink: false, without quotes."),
    ("search: true", "docs/a.md:2:1: 'search' must be keys with values (key: value), not true"),
    ("search:\n  exclude: maybe", "docs/a.md:3:3: 'search.exclude' must be true or false, not 'maybe'."),
    ("search:\n  exclud: true", "docs/a.md:3:3: unknown key 'exclud' in 'search'. Did you mean 'exclude'?"),
    ("id: a\nid: b", "docs/a.md:3:1: the key 'id' is written twice in this entry (first at line 2): YAML would "
     "keep only the last one. Keep one 'id:' line in the entry."),
    ("updated: 2023-02-30", "docs/a.md:2:10: '2023-02-30' reads as a date but there is no such day: MkDocs would "
     "ignore the whole front matter. Fix the date, or quote it: \"2023-02-30\"."),
]


@pytest.mark.parametrize("front_matter, expected", FRONT_MATTER_CASES, ids=[c[0] for c in FRONT_MATTER_CASES])
def test_front_matter_rejections(front_matter, expected):
    messages = front_matter_messages(front_matter)
    assert any(message.startswith(expected) for message in messages), messages


def test_valid_front_matter_and_keys_the_engine_does_not_read_pass():
    assert front_matter_messages("id: new-infrastructure\nchapter: 3\ntitle: \"Fintech: new\"\nautolink: false\n"
                                 "search:\n  exclude: true\nhide: [toc]\ndescription: anything") == []


# --- the declaration and the guide -------------------------------------------------------------------------------

def test_every_declared_field_is_in_the_contributor_guide():
    guide = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    for schema in (GLOSSARY, BIBLIOGRAPHY, FRONT_MATTER, EDITION):
        for field in schema.fields:
            assert re.search(rf"^\s*(- )?{field.name}:", guide, re.M), f"{schema.kind}: {field.name} not documented"


def test_validate_reports_every_problem_of_an_entry_at_once():
    root, _ = compose("id: X\nterm: [a]\nshort: s\ndefinition: d\nsources: {}\nautolink: 1\n", "g.yml")
    entry, _ = entry_of(root, "g.yml")
    values, problems = validate(entry, GLOSSARY, "g.yml")
    assert [p.line for p in problems] == [1, 2, 5, 6]
    assert values == {"short": "s", "definition": "d"}


# --- wordings with punctuation inside ----------------------------------------------------------------------------

PUNCTUATED = {
    "yu-e-bao": Term("yu-e-bao", "Yu'e Bao", "s", "d", [], aliases=["Yu'ebao"]),
    "cpp": Term("cpp", "C++", "s", "d", []),
    "c": Term("c", "C", "s", "d", []),
    "ab": Term("ab", "a.b", "s", "d", []),
    "fintech": Term("fintech", "fintech", "s", "d", []),
}


def linked(text: str, terms=PUNCTUATED) -> list[tuple[str, str]]:
    return [(text[start:end], term) for start, end, term in TermIndex(terms).matches(text)]


def test_a_wording_with_an_apostrophe_matches_straight_and_curly():
    assert linked("Alipay's Yu'e Bao grew") == [("Yu'e Bao", "yu-e-bao")]
    assert linked("Alipay’s Yu’e Bao grew") == [("Yu’e Bao", "yu-e-bao")]
    assert linked("Yu’ebao and Yu'ebaos") == [("Yu’ebao", "yu-e-bao"), ("Yu'ebaos", "yu-e-bao")]
    assert linked("Yu e Bao, Yue Bao") == []


def test_cpp_does_not_link_a_lone_c_and_c_does_not_link_inside_cpp():
    assert linked("C++ is not C.") == [("C++", "cpp"), ("C", "c")]
    only_cpp = {"cpp": PUNCTUATED["cpp"]}
    assert linked("Vitamin C and C# are not C++", only_cpp) == [("C++", "cpp")]
    assert linked("C and C#", {"c": PUNCTUATED["c"]}) == [("C", "c")]


def test_a_dotted_wording_needs_its_dot_and_possessives_still_link():
    assert linked("a.b, a b and a-b") == [("a.b", "ab")]
    assert linked("fintech's reach") == [("fintech", "fintech")]


def test_a_wording_with_leading_punctuation_needs_it():
    dotnet = {"dotnet": Term("dotnet", ".NET", "s", "d", [])}
    assert linked("the .NET runtime, not the net", dotnet) == [(".NET", "dotnet")]


def test_wordings_differing_only_in_punctuation_are_different_keys():
    assert key_of("Yu'e Bao") == key_of("Yu’e  Bao") != key_of("Yu e Bao")
    assert key_of("C++") != key_of("C") and key_of("supply-chain finance") == key_of("supply chain finance")
    assert key_of(".NET") != key_of("NET")


def test_the_real_yu_e_bao_entry_is_linked_where_the_pages_name_it(built_site):
    named = [path for path in (ROOT / "docs").rglob("*.md")
             if re.search(r"Yu['’]e Bao", mask_markdown(path.read_text(encoding="utf-8"))[0])]
    assert named, "no page names Yu'e Bao in running text any more: choose another page for this test"
    for path in named:
        url = path.relative_to(ROOT / "docs").with_suffix("").as_posix()
        soup = BeautifulSoup((built_site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select("article a") if a.get("href", "").endswith("#yu-e-bao")]
        assert links and re.fullmatch(r"Yu['’]e Bao", links[0].get_text()), f"{url}: Yu'e Bao is not linked"


WORDS = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
JOINTS = st.sampled_from([" ", "-", "'", "’", ".", "&"])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=4), st.lists(JOINTS, min_size=3, max_size=3),
       st.sampled_from(["", "++", "#"]), st.booleans())
def test_a_wording_with_punctuation_is_found_as_written_and_only_so(words, joints, suffix, curly):
    wording = words[0] + "".join(j + w for j, w in zip(joints, words[1:])) + suffix
    index = TermIndex({"t": Term("t", wording, "s", "d", [])})
    written = wording.translate(str.maketrans("'’", "’'")) if curly else wording   # apostrophes alike
    text = f"Zz {written} zz."
    assert [(text[s:e], t) for s, e, t in index.matches(text)] == [(written, "t")]
    if len(words) > 1 and joints[0] not in (" ", "-"):       # the same words joined otherwise are another wording
        cut = len(words[0])                                  # every joint is one character
        other = f"Zz {written[:cut]} {written[cut + 1:]} zz."
        assert index.matches(other) == []
