"""The critical apparatus: quotations of the essay verified, notes anchored to its phrases, a panel under each
paragraph. Unit tests of the matching and its did-you-mean, then the fixture handbook built and read, then a real
browser at a desktop and a phone width."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from conftest import ROOT
from xref.check.quotations import misquotation_problems
from xref.core.model import PageInfo, Reference
from xref.load.essay import load_edition, parse_essay
from xref.load.notes import load_notes
from xref.load.passages import Passages
from xref.markdown.quotes import marked_html
from xref.registry.registry import Registry
from xref.registry.resolve import Target, Unresolved, resolve


@pytest.fixture(scope="module")
def essay():
    edition, _ = load_edition(ROOT / "essay" / "edition.yml", "essay/edition.yml")
    essay, problems = parse_essay(ROOT / "essay" / "source.txt", edition, "essay/source.txt", "essay/edition.yml")
    assert problems == []
    return essay


@pytest.fixture(scope="module")
def passages(essay):
    return Passages(essay)


# --- the matching ----------------------------------------------------------------------------------------------

def test_the_essays_words_are_found_whatever_the_quotation_marks(passages):
    assert passages.find("a profound and thorough change") == [11]
    assert passages.find('both “finance” and “science and technology”') == [11]      # curly, as published
    assert passages.find('both "finance" and "science and technology"') == [11]      # straight marks alike
    assert passages.find("A profound and thorough change") == [11]    # a capital where the quotation opens
    assert passages.find("New business models, the foundation of fintech") == [6]   # the heading before ¶6
    assert passages.find("a profound and thorough chance") == []


def test_the_closest_passage_is_offered_for_a_misquotation(passages):
    passage, share = passages.closest("profoundly and thoroughly")
    assert (passage.paragraph, passage.text, share) == (11, "profound and thorough", 1.0)
    assert passage.sentence.endswith("a profound and thorough change.")
    passage, _ = passages.closest("brings real changes")
    assert (passage.paragraph, passage.text) == (8, "bring real changes")
    assert passages.closest("the Ant Group was ordered to rectify", floor=0.75) == (None, 0.0)


def quotation(text: str, number: int) -> Reference:
    return Reference(0, "q", str(number), text, f"[[q:{number}|{text}]]", 0)


def test_a_quotation_is_checked_against_the_paragraph_it_names(essay, passages):
    registry = Registry({}, {}, set(essay.paragraphs), passages)
    page = PageInfo("c.md", "c/", "docs/c.md", "", 0, {"id": "c"})
    registry.pages["c.md"] = page
    registry.quotes[11] = registry.quotes[8] = []
    registry.special["essay"] = "c.md"
    right = resolve(quotation("a profound and thorough change", 11), page, registry.freeze())
    assert isinstance(right, Target) and right.text == "a profound and thorough change"
    assert right.title.startswith("¶11: In the context of profound evolution")
    elsewhere = resolve(quotation("a profound and thorough change", 8), page, registry)
    assert elsewhere == Unresolved("the quoted words stand in ¶11, not in ¶8",
                                   "Write [[q:11|a profound and thorough change]].")
    wrong = resolve(quotation("brings real changes", 8), page, registry)
    assert wrong == Unresolved("the quoted words are not the essay's (¶8)", "Did you mean 'bring real changes' (¶8)?")
    assert isinstance(resolve(quotation("x", 99), page, registry), Unresolved)


def test_an_unmarked_near_quotation_is_a_likely_misquotation_with_its_place(passages):
    text = 'Intro.\n\nIt must change "profoundly and thoroughly", and "bring real changes" is exact.\n'
    problems = misquotation_problems(text, "docs/x.md", passages)
    assert [(p.line, p.column, p.message, p.text) for p in problems] == [
        (3, 16, "a likely misquotation of the essay", "profoundly and thoroughly")]
    assert problems[0].hint.startswith("Did you mean 'profound and thorough' (¶11)?")
    other = 'The plan says "accelerate the digital transformation of finance" ([[src:x]]).'
    assert misquotation_problems(other, "docs/x.md", passages) == []      # another source's words


# --- notes -----------------------------------------------------------------------------------------------------

def notes_of(tmp_path: Path, text: str, essay, passages):
    path = tmp_path / "notes.yml"
    path.write_text(text, encoding="utf-8")
    return load_notes(path, "data/notes.yml", essay, passages, {"pboc-2019"})


def test_a_note_is_anchored_to_its_lemma_and_numbered_in_paragraph_order(tmp_path, essay, passages):
    notes, problems = notes_of(tmp_path, (
        "- {paragraph: 1, lemma: C-terminal traffic, kind: translation, chinese: C端流量, status: conjecture,"
        " note: Consumer traffic.}\n"
        "- {paragraph: 1, lemma: first half, kind: explanatory, note: A sports image.}\n"), essay, passages)
    assert problems == []
    assert [(n.lemma, n.number, n.id) for n in notes[1]] == [("first half", 1, "note-1-1"),
                                                              ("C-terminal traffic", 2, "note-1-2")]
    text = essay.paragraphs[1].text
    assert text[notes[1][1].start:notes[1][1].end] == "C-terminal traffic"
    html = marked_html(text, notes[1])
    assert '<a class="lemma" id="lemma-1-2" href="#note-1-2" aria-describedby="note-1-2">C-terminal traffic' in html


@pytest.mark.parametrize("entry, line, message, hint", [
    ("{paragraph: 1, lemma: C-terminal trafic, kind: explanatory, note: x}", 1,
     "the lemma does not stand in ¶1", "The nearest phrase is 'C-terminal traffic' (¶1)."),
    ("{paragraph: 2, lemma: fintech, kind: explanatory, note: x}", 1, "the lemma stands", "Add 'occurrence:'"),
    ("{paragraph: 2, lemma: fintech, occurrence: 99, kind: explanatory, note: x}", 1, "occurrence 99",
     "Write a number from 1 to"),
    ("{paragraph: 13, lemma: x, kind: explanatory, note: x}", 1, "no paragraph ¶13", "Write a number from 1 to 12"),
    ("{paragraph: 1, lemma: first half, kind: gloss, note: x}", 1, "unknown kind of note 'gloss'", "explanatory"),
    ("{paragraph: 1, lemma: first half, kind: translation, note: x}", 1, "gives the Chinese and its status",
     "status: conjecture"),
    ("{paragraph: 1, lemma: first half, kind: translation, chinese: 上半场, status: attested, note: x}", 1,
     "needs the source that attests it", "Add 'source:'"),
])
def test_a_bad_note_is_refused_with_its_line_and_what_to_do(tmp_path, essay, passages, entry, line, message, hint):
    _, problems = notes_of(tmp_path, f"- {entry}\n", essay, passages)
    assert len(problems) == 1, problems
    assert problems[0].file == "data/notes.yml" and problems[0].line == line
    assert message in problems[0].message and hint in problems[0].hint, problems[0].format()


# --- the fixture handbook, built -------------------------------------------------------------------------------

@pytest.fixture
def bees(fixture_site) -> Path:
    return fixture_site


def article(site: Path, url: str):
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml").select_one("article")


def test_quotations_are_set_as_the_essays_words_and_link_to_their_paragraph(bees):
    seasons = article(bees, "chapters/seasons")
    marked, unmarked = seasons.select("q.essay-words > a.xref-q")
    assert marked.get_text() == "is calm, because the bees carry their honey with them"
    assert marked["href"] == "#para-3" and "cite" not in marked.parent.attrs   # (an EPUB refuses cite= there)
    assert marked["title"] == "¶3: A swarm hanging from a branch is calm, because the bees carry their honey with them."
    assert unmarked.get_text() == "a small city that runs without a mayor"      # found in the prose and linked
    assert unmarked["href"] == "../hive/#para-1"
    assert '"a small city' not in seasons.get_text()        # the <q> sets the marks, not the source's


def test_notes_stand_beside_their_paragraph_and_the_lemma_links_to_them(bees):
    hive = article(bees, "chapters/hive")
    block = hive.select_one("#para-1").find_parent("div", class_="essay-block")
    assert "has-notes" in block["class"]
    lemma = block.select_one("a.lemma")
    assert lemma.get_text(strip=True) == "without a mayor1.1" and lemma["href"] == "#note-1-1"
    note = block.select_one("aside.essay-notes li#note-1-1")
    assert "Explanatory note" in note.get_text() and note.select_one('a[data-xref="term:queen"]')
    assert note.select_one('a[data-xref="src:seeley-2010"]')          # references in notes are resolved
    translation = article(bees, "chapters/seasons").select_one("li#note-4-1")
    assert "蜂团" in translation.get_text() and "the editors' conjecture" in translation.get_text()


def test_the_panel_lists_what_discusses_the_paragraph(bees):
    panel = article(bees, "chapters/seasons").select_one("details#panel-3")
    summary = panel.select_one("summary").get_text()
    assert summary == "¶3 in the handbook: discussed in 1 place · 1 note · 3 glossary terms"
    place = panel.select_one(".panel-places a")
    assert place["href"] == "#quote-para-3-1" and place.get_text() == "Chapter 2: The seasons"
    assert "the essay says a swarm" in panel.select_one(".panel-context").get_text()
    assert [a.get_text() for a in panel.select(".panel-terms a")] == ["colony", "queen", "swarm"]
    assert panel.select_one(".panel-print").get_text() == "Discussed in Chapter 2 · notes 3.1"


def test_the_essay_as_published_marks_the_same_lemmas(bees):
    essay = article(bees, "essay")
    assert essay.select_one("#published-1 a.lemma")["href"] == "#published-note-1-1"
    assert essay.select_one("li#published-note-1-1")
    assert essay.select_one("details#published-panel-1 a[href$='#para-1']").get_text() == "Quoted in Chapter 1"


# --- in a browser: the real handbook (its stylesheet sets the notes beside or under the paragraph) -------------

def first_lemma(page):
    lemma = page.locator("#para-1 a.lemma").first
    return lemma, page.locator("#" + lemma.get_attribute("href").split("#")[1])


@pytest.mark.browser
def test_a_sidenote_stands_in_the_margin_on_a_desktop(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "chapters/01-first-half/")
    _, note = first_lemma(page)
    assert note.is_visible()
    quote, box = page.locator("#para-1").bounding_box(), note.bounding_box()
    assert box["x"] >= quote["x"] + quote["width"], (box, quote)        # beside the paragraph, not under it
    assert box["y"] < quote["y"] + quote["height"]
    size = note.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 12, f"sidenotes set at {size} px"
    context.close()


@pytest.mark.browser
def test_on_a_phone_a_note_opens_in_place_from_its_lemma_by_touch_and_keyboard(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    chapter = site_url + "chapters/01-first-half/"
    page.goto(chapter)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    lemma, note = first_lemma(page)
    assert not note.is_visible()
    lemma.tap()
    expect(note).to_be_visible()
    assert note.bounding_box()["y"] > page.locator("#para-1").bounding_box()["y"]   # in place, under it
    # Not by fetching the page again (Material's instant navigation would, and the opened note would close)
    assert chapter not in [url.split("#")[0] for url in fetched], fetched
    note.locator("a.note-number").tap()                  # its number leads back to the lemma
    expect(lemma).to_be_focused()
    second = page.locator("#para-1 a.lemma").nth(1)
    second.tap()                                         # one note open at a time
    expect(page.locator("#" + second.get_attribute("href").split("#")[1])).to_be_visible()
    expect(note).to_be_hidden()
    page.goto(chapter)
    lemma, note = first_lemma(page)
    lemma.focus()
    page.keyboard.press("Enter")
    expect(note).to_be_visible()
    context.close()


@pytest.mark.browser
def test_without_script_a_note_still_opens_from_its_lemma(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "chapters/01-first-half/")
    lemma, note = first_lemma(page)
    assert not note.is_visible()
    lemma.click()
    expect(note).to_be_visible()
    context.close()


def test_a_panel_lists_the_figures_whose_caption_names_its_paragraph(built_site):
    chapter = BeautifulSoup((built_site / "chapters/04-business-models/index.html").read_text(encoding="utf-8"),
                            "lxml")
    panel = chapter.select_one("details#panel-7")
    assert [a.get_text() for a in panel.select(".panel-figures a")] == ["Figure 4.1"]   # "… of ¶7 and ¶8"
    assert "1 figure" in panel.summary.get_text()
    assert not chapter.select_one("details#panel-6 .panel-figures")
