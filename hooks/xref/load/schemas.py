"""The declarations: the schema of data/glossary.yml, data/bibliography.yml and a page's front matter, and the
rules of their values. docs/contributing.md describes the same fields; tests/test_schema.py tests each message."""
from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import urlsplit

from .schema import Field, Rule, Schema

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")            # glossary and page ids
SOURCE_ID_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")  # source ids may hold dots (bis-2019.2)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
WORD_RE = re.compile(r"\w+")
# Words a wording may not consist of alone: it would link on every page.
STOP_WORDS = frozenset("""
a about after all also an and any are as at be been but by can could did do does for from had has have he her
his how i if in into is it its may more most much my no not of on one or other our she so some such than that
the their them then there these they this those to too up us very was we were what when which who will with
would you your
""".split())
# Scripts whose letters look alike: a word mixing them looks like another word and matches no text.
CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def id_rule(kind: str, pattern: re.Pattern, allowed: str) -> Rule:
    def rule(text: str):
        if pattern.match(text):
            return None
        suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        return (f"{kind} id {text!r} must be {allowed}",
                f"Try {suggestion!r}." if suggestion else f"Write {allowed}.")
    return rule


def date_rule(text: str):
    match = DATE_RE.match(text)
    if not match:
        return (f"date {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY",
                "Write the date as far as it is known, e.g. 2015-07-18.")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return (f"date {text!r} is not a date of the calendar",
                "Check the day and the month (a month has 28 to 31 days); leave out what is not known.")
    return None


def url_rule(text: str):
    parts = urlsplit(text.strip())
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in text.strip()):
        return None
    return (f"url {text!r} is not a web address (http:// or https://)",
            "Give the address of the page, starting with https:// (or http://); other schemes such as "
            "javascript: or data: are not allowed.")


def script_of(char: str) -> str:
    """The script of a letter, from its Unicode name: 'CYRILLIC SMALL LETTER IE' is Cyrillic."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def mixed_script(word: str) -> tuple[str, str, str] | None:
    """(main script, other script, first letter of the other) when a word mixes look-alike scripts."""
    if word.isascii():
        return None
    scripts = [(script_of(c), c) for c in word if c.isalpha()]
    counts: dict[str, int] = {}
    for script, _ in scripts:
        if script in CONFUSABLE_SCRIPTS:
            counts[script] = counts.get(script, 0) + 1
    if len(counts) < 2:
        return None
    main = max(counts, key=lambda s: (counts[s], s == "LATIN"))
    other, letter = next((s, c) for s, c in scripts if s in counts and s != main)
    return main, other, letter


def wording_rule(what: str) -> Rule:
    """A term or an alias: what the autolinker looks for on every page."""
    def rule(text: str):
        words = [word.lower() for word in WORD_RE.findall(text)]
        if words and all(word in STOP_WORDS for word in words):
            case = "" if text == text.lower() else " (wordings match whatever their case)"
            return (f"the {what} {text!r} is a common English word{case}: it would link on every page that uses it",
                    "Remove it, or choose a wording that names the entry only; link a common word by hand with "
                    f"[[term:{{id}}|{text}]].")
        for word in WORD_RE.findall(text):
            mixed = mixed_script(word)
            if mixed:
                main, other, letter = mixed
                return (f"the {what} {text!r} mixes {main.title()} and {other.title()} letters in {word!r} ({letter!r} "
                        f"is {unicodedata.name(letter)}): it looks like another word and matches no text",
                        f"Retype {letter!r} (U+{ord(letter):04X}) as a {main.title()} letter.")
        return None
    return rule


GLOSSARY = Schema("glossary", (
    Field("id", required=True, rule=id_rule("glossary", ID_RE, "lowercase letters, digits and hyphens"),
          about="unique; used by [[term:ID]]"),
    Field("term", required=True, rule=wording_rule("term"), about="the display name"),
    Field("aliases", "list", rule=wording_rule("alias"), about="other wordings that link here"),
    Field("chinese", about="the Chinese original term"),
    Field("pinyin"),
    Field("short", "line", required=True, about="it is the tooltip"),
    Field("definition", required=True, about="Markdown"),
    Field("related", "list", about="ids of other entries"),
    Field("sources", "list", required=True, about="ids in data/bibliography.yml"),
    Field("autolink", "bool", about="false: link only through explicit references"),
), guide="See the glossary schema in docs/contributing.md.")

BIBLIOGRAPHY = Schema("source", (
    Field("id", required=True, rule=id_rule("source", SOURCE_ID_RE, "lowercase letters, digits, hyphens and dots")),
    Field("publisher", required=True),
    Field("title", required=True),
    Field("date", rule=date_rule),
    Field("author"),
    Field("url", rule=url_rule),
    Field("note"),
), guide="See the source schema in docs/contributing.md.")

# essay/edition.yml: its texts; headings, paragraphs and corrections are checked against the essay (essay.py).
EDITION = Schema("edition", (
    Field("title", required=True),
    Field("url", rule=url_rule),
    Field("published", rule=date_rule),
    Field("end_marker", required=True),
), closed=False, guide="See the essay's edition in docs/contributing.md.")

# The front-matter keys the engine reads; MkDocs and Material read others, which are not checked here.
FRONT_MATTER = Schema("front matter", (
    Field("id", "string", rule=id_rule("page", ID_RE, "lowercase letters, digits and hyphens")),
    Field("chapter", "int", minimum=1),
    Field("title", "string"),
    Field("autolink", "bool"),
    Field("reader", "bool"),
    Field("search", "mapping", fields=(Field("exclude", "bool"),)),
), closed=False)


def choice_rule(name: str, choices: tuple[str, ...]) -> Rule:
    def rule(text: str):
        if text in choices:
            return None
        return f"unknown {name} {text!r}", f"Write one of: {', '.join(choices)}."
    return rule


# data/notes.yml: the apparatus notes (load/notes.py checks each lemma against its paragraph).
NOTES = Schema("note", (
    Field("paragraph", "int", required=True, minimum=1, about="the paragraph the lemma stands in"),
    Field("lemma", required=True, about="the essay's exact words"),
    Field("occurrence", "int", minimum=1, about="which occurrence, if the lemma stands there more than once"),
    Field("kind", required=True, rule=choice_rule("kind of note", ("explanatory", "translation", "textual"))),
    Field("chinese", about="translation notes: the likely original"),
    Field("status", rule=choice_rule("status", ("conjecture", "attested"))),
    Field("source", about="with status: attested, an id in data/bibliography.yml"),
    Field("note", required=True, about="Markdown"),
), guide="See the notes schema in docs/contributing.md.")
