"""Unit tests of the cross-reference engine's pure functions (hooks/xref), without MkDocs."""
from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import lxml.html
import yaml

from conftest import ROOT
from xref.core.model import Source, Term
from xref.core.problems import did_you_mean, line_column, locate, nearest_number
from xref.core.urls import link, relative_url
from xref.load.bibliography import load_bibliography
from xref.load.essay import load_edition, parse_essay, repairs
from xref.load.glossary import load_glossary, wordings
from xref.markdown.quotes import corrections_html, marked_html, quote_html
from xref.markdown.transform import Handlers, transform
from xref.scan.html_scan import parse_reference, scan_html
from xref.load.term_index import TermIndex

ESSAY = ROOT / "essay" / "source.txt"
EDITION = ROOT / "essay" / "edition.yml"


def real_essay():
    edition, problems = load_edition(EDITION, "essay/edition.yml")
    assert problems == []
    return parse_essay(ESSAY, edition, "essay/source.txt", "essay/edition.yml")


# --- essay ------------------------------------------------------------------------------------------------------

def test_the_essay_has_twelve_paragraphs_with_its_two_headings():
    essay, problems = real_essay()
    assert problems == []
    assert sorted(essay.paragraphs) == list(range(1, 13))
    assert essay.title == "Fintech’s new look"
    assert essay.paragraphs[1].text.startswith("The deep integration of fintech and industry")
    assert essay.paragraphs[6].heading == "New business models, the foundation of fintech"
    assert essay.paragraphs[6].text.startswith("Every new species")
    assert essay.paragraphs[12].heading == "Conclusion"
    assert essay.paragraphs[12].text.endswith("This is the beginning of a new generation of fintech.")
    assert all("Leave a Reply" not in p.text and "email address" not in p.text for p in essay.paragraphs.values())
    assert [p.heading for p in essay.paragraphs.values() if p.heading] == [
        "New business models, the foundation of fintech", "Conclusion"]


def test_each_paragraph_hash_is_recorded_as_published():
    essay, _ = real_essay()
    recorded = yaml.safe_load(EDITION.read_text(encoding="utf-8"))["paragraphs"]
    for number, paragraph in essay.paragraphs.items():
        assert recorded[number] == hashlib.sha256(paragraph.text.encode()).hexdigest()
        # the text is a verbatim slice of the source line it came from
        source_line = ESSAY.read_text(encoding="utf-8").split("\n")[paragraph.line - 1]
        assert source_line.endswith(paragraph.text)


def test_an_altered_paragraph_is_named_with_its_line(tmp_path):
    altered = tmp_path / "source.txt"
    altered.write_text(ESSAY.read_text(encoding="utf-8").replace("Every new species", "Each new species"),
                       encoding="utf-8")
    edition, _ = load_edition(EDITION, "essay/edition.yml")
    _, problems = parse_essay(altered, edition, "essay/source.txt", "essay/edition.yml")
    assert [(p.file, p.line) for p in problems] == [("essay/source.txt", 14)]
    assert "¶6 no longer matches" in problems[0].format()


def test_missing_spaces_are_repaired_visibly_and_nothing_else_changes():
    essay, _ = real_essay()
    text = essay.paragraphs[1].text
    rendered = marked_html(text)
    assert 'on.<ins class="ed-repair" title="Editorial repair: space added"> </ins>Different' in rendered
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    reading = root.text_content()
    assert reading.replace(" ", "") == text.replace(" ", "")
    assert "working on. Different" in reading and "on.Different" not in reading
    found = repairs(essay)
    assert (1, "on.Different", "on. Different") in found
    assert (5, "development;How", "development; How") in found
    assert (8, "fintech?In", "fintech? In") in found
    assert not any("Internet era" in after for _, _, after in found)


def test_the_corrections_list_names_every_repair_and_the_headings():
    essay, _ = real_essay()
    html = corrections_html(essay)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    repairs_listed = root.xpath('.//ul[@class="ed-repair-list"]/li')
    assert len(repairs_listed) == len(repairs(essay)) > 40
    text = root.text_content()
    assert "New business models, the foundation of fintech" in text and "Leave a Reply" in text


def test_a_quotation_carries_number_permalink_heading_and_citation():
    essay, _ = real_essay()
    html = quote_html(essay, 6, handbook="The Handbook", page_url="https://example.org/ch4/")
    block = lxml.html.fragment_fromstring(html)     # the quotation in its block, beside its notes and panel
    assert block.tag == "div" and "essay-block" in block.get("class")
    quote = block.xpath("./blockquote")[0]
    assert quote.get("id") == "para-6"
    assert quote.get("cite").startswith("https://www.litk.net/")
    assert quote.xpath('.//p[@class="essay-heading"]')[0].text == "New business models, the foundation of fintech"
    number = quote.xpath('.//a[@class="essay-para-num"]')[0]
    assert (number.text, number.get("href")) == ("¶6", "#para-6")
    citation = quote.xpath('.//code[@class="essay-citation"]')[0].text
    assert citation == ("Fintech’s new look, ¶6, litk.net, 2023-08-06, in: The Handbook, "
                        "https://example.org/ch4/#para-6")


# --- glossary and bibliography -----------------------------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_glossary_problems_carry_file_and_line(tmp_path):
    path = write(tmp_path, "glossary.yml", """\
        - id: p2p-lending
          term: P2P lending
          short: Loans between people through a platform.
          definition: Long text.
          sources: [bis-2019]
          related: [fintek]
        - id: p2p-lending
          term: Peer lending
          short: x
          definition: y
          sources: [bis-2091]
        - id: Bad_Id
          term: Bad
          defintion: y
          sources: [bis-2019]
        - id: fintech
          term: fintech
          short: s
          definition: d
          sources: [bis-2019]
        """)
    sources = {"bis-2019": Source("bis-2019", "BIS", "T", "2019")}
    terms, problems = load_glossary(path, "data/glossary.yml", sources)
    messages = [p.format() for p in problems]
    assert set(terms) == {"p2p-lending", "fintech"}
    assert any(m.startswith("data/glossary.yml:7:3: duplicate glossary id 'p2p-lending'") and ":1." in m
               for m in messages), messages
    assert any(m.startswith("data/glossary.yml:12:3: glossary id 'Bad_Id'") and "'bad-id'" in m for m in messages)
    assert any(m.startswith("data/glossary.yml:14:3: unknown key 'defintion'") and "'definition'" in m
               for m in messages)
    assert any(m.startswith("data/glossary.yml:6:3: p2p-lending: unknown related term 'fintek'")
               and "Did you mean 'fintech'" in m for m in messages), messages


def test_unknown_source_in_glossary_suggests_the_close_id(tmp_path):
    path = write(tmp_path, "glossary.yml", """\
        - id: a
          term: A
          short: s
          definition: d
          sources: [bis-2091]
        """)
    _, problems = load_glossary(path, "g.yml", {"bis-2019": Source("bis-2019", "BIS", "T", "2019")})
    assert problems[0].format() == ("g.yml:5:3: a: unknown source 'bis-2091' (not in data/bibliography.yml). "
                                    "Did you mean 'bis-2019'?")


def test_bibliography_checks_dates_and_duplicates(tmp_path):
    path = write(tmp_path, "bib.yml", """\
        - id: a
          publisher: P
          title: T
          date: 2015-07-18
        - id: a
          publisher: P
          title: T
        - id: b
          publisher: Q
          title: T
          date: July 2015
        """)
    sources, problems = load_bibliography(path, "bib.yml")
    assert sources["a"].date == "2015-07-18" and sources["a"].label == "P 2015"
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [(5, "duplicate"), (11, "date")]


def test_the_real_glossary_and_bibliography_validate():
    sources, problems = load_bibliography(ROOT / "data" / "bibliography.yml", "data/bibliography.yml")
    assert problems == []
    terms, problems = load_glossary(ROOT / "data" / "glossary.yml", "data/glossary.yml", sources)
    assert problems == [] and len(terms) >= 20


def test_wordings_add_plurals_of_the_last_word():
    term = Term("scf", "supply chain finance", "s", "d", [], aliases=["factoring company", "fintech"])
    assert set(wordings(term)) >= {"supply chain finance", "supply chain finances", "factoring companies",
                                   "fintechs", "fintech"}


# --- Markdown pass ------------------------------------------------------------------------------------------------

def test_markdown_pass_replaces_quotes_and_markers_but_not_inside_fences():
    seen = []
    handlers = Handlers(essay=lambda n, line: seen.append((n, line)) or f"<Q{n}>",
                        diagram=lambda info, body, line: seen.append((info, body, line)) or "<FIG>",
                        marker=lambda name, line: f"<{name}>" if name == "glossary" else None)
    markdown = "\n".join(["intro", "::: essay 3", "```markdown", "::: essay 4", "```", "~~~~",
                          "<!-- xref:glossary -->", "~~~~", '```d2 id="x"', "a -> b", "```",
                          "<!-- xref:glossary -->", "<!-- xref:nothing -->"])
    out = transform(markdown, handlers).split("\n")
    assert seen == [("3", 2), ('id="x"', "a -> b", 9)]
    assert "<Q3>" in out and "::: essay 4" in out and "<FIG>" in out
    assert out.count("<!-- xref:glossary -->") == 1 and "<glossary>" in out and "<!-- xref:nothing -->" in out


# --- HTML pass ----------------------------------------------------------------------------------------------------

TERMS = {
    "finance": Term("finance", "finance", "Money matters.", "d", []),
    "supply-chain-finance": Term("supply-chain-finance", "supply chain finance", "Credit along a supply chain.", "d", []),
    "fintech": Term("fintech", "fintech", "Financial technology.", "d", [], aliases=["financial technology"]),
    "quiet": Term("quiet", "quietude", "Never autolinked.", "d", [], autolink=False),
}


def scan(html: str, **kwargs):
    return scan_html(html, TermIndex(TERMS), **kwargs)


def test_longest_match_first_and_only_the_first_mention_is_a_link():
    out, page = scan("<p>Supply-chain finance is finance. More supply chain finances and Fintechs.</p>")
    root = lxml.html.fragment_fromstring(out, create_parent="div")
    links = root.findall(".//xref-term")
    assert [(a.get("data-term"), a.text) for a in links] == [
        ("supply-chain-finance", "Supply-chain finance"), ("finance", "finance"), ("fintech", "Fintechs")]
    assert [(m.term, m.anchor) for m in page.mentions] == [
        ("supply-chain-finance", "mention-supply-chain-finance-1"), ("finance", "mention-finance-1"),
        ("fintech", "mention-fintech-1")]
    assert "More supply chain finances and" in root.text_content() and len(root.findall(".//span")) == 0


def test_terms_are_whole_words_and_not_across_punctuation():
    out, page = scan("<p>refinanced, financed; supply chain. Finance</p>")
    assert [m.term for m in page.mentions] == ["finance"]  # only the last, standalone word


def test_no_links_in_code_links_headings_figures_or_attributes():
    html = ('<h2 id="s">fintech</h2><p><code>fintech</code> <a href="x">fintech</a> '
            '<img alt="fintech" src="a.png"><span title="fintech">x</span></p>'
            '<figure><svg><text>fintech</text></svg></figure><pre>fintech</pre>')
    out, page = scan(html)
    assert page.mentions == [] and "xref-term" not in out
    assert page.headings == {"s": "fintech"}


def test_suppress_and_force_and_tokens():
    out, page = scan("<p>[[=fintech]] [[=supply\nchain finance]] then [[term:quiet|calm]], quietude, [[¶7]] and [[ch:intro]]. "
                     "<code>[[ch:code]]</code></p>")
    assert '<span class="xref-nolink">fintech</span>' in out
    assert '<span class="xref-nolink">supply\nchain finance</span>' in out  # a token may span a line break
    assert [(r.kind, r.target, r.text) for r in page.references] == [
        ("term", "quiet", "calm"), ("p", "7", ""), ("ch", "intro", "")]
    assert [m.term for m in page.mentions] == ["quiet"]  # autolink: false terms link only when forced
    assert "[[ch:code]]" in out


def test_glossary_entries_do_not_link_to_themselves():
    html = '<h2 id="fintech">fintech</h2><p>fintech uses finance</p><h2 id="finance">finance</h2><p>fintech, finance</p>'
    _, page = scan(html, scope_ids=set(TERMS))
    assert [(m.term, m.linked) for m in page.mentions] == [("finance", True), ("fintech", True)]


def test_mentions_inside_a_quotation_know_their_paragraph():
    _, page = scan('<blockquote class="essay-para" id="para-4"><p class="essay-heading">finance</p>'
                   '<p>fintech</p></blockquote>')
    assert [(m.term, m.paragraph) for m in page.mentions] == [("fintech", 4)]


def test_parse_reference_forms():
    assert parse_reference("ch:middleman-trap|the previous chapter") == ("ch", "middleman-trap", "the previous chapter")
    assert parse_reference("¶7") == ("p", "7", "")
    assert parse_reference("=fintech") == ("=", "", "fintech")
    assert parse_reference("sec:a#b") == ("sec", "a#b", "")


# --- helpers --------------------------------------------------------------------------------------------------

def test_relative_urls_match_mkdocs():
    assert relative_url("glossary/", "chapters/02-x/") == "../../glossary/"
    assert relative_url("", "chapters/02-x/") == "../../"
    assert relative_url("chapters/a/", "") == "chapters/a/"
    assert link("glossary/", "fintech", "glossary/") == "#fintech"
    assert link("glossary.html", "x", "chapters/a.html") == "../glossary.html#x"


def test_locate_and_did_you_mean():
    assert locate("ab\ncd [[x]] [[x]]", "[[x]]", 1) == (2, 10)
    assert locate("abc", "zz") is None
    assert line_column("ab\ncd", 0) == (1, 1) and line_column("ab\ncd", 4) == (2, 2)
    assert did_you_mean("p2p-lendng", ["p2p-lending", "fintech"]) == "Did you mean 'p2p-lending'?"
    assert did_you_mean("zzz", []) == "Nothing of that kind is defined yet."
    assert nearest_number("13", range(1, 13), "{}") == "12"
    assert nearest_number("x", range(1, 13), "{}") == "Write a number from 1 to 12."


# --- backlinks ---------------------------------------------------------------------------------------------------

def _registry(pages: int):
    from xref.core.model import Mention, PageInfo
    from xref.registry.registry import Registry
    terms = {"common": Term("common", "common", "s", "d", []), "rare": Term("rare", "rare", "s", "d", [])}
    registry = Registry(terms, {}, set())
    for n in range(1, pages + 1):
        page = PageInfo(f"c{n}.md", f"c{n}/", f"docs/c{n}.md", "", 0, {"id": f"c{n}", "chapter": n}, f"C{n}")
        page.mentions = [Mention("common", "mention-common-1", True, None)]
        if n in (1, 7):
            page.mentions.append(Mention("rare", "mention-rare-1", True, 3))
        registry.pages[page.src] = page
    glossary = PageInfo("glossary.md", "glossary/", "docs/glossary.md", "", 0, {"id": "glossary"}, "Glossary",
                        kind="glossary")
    index = PageInfo("terms.md", "terms/", "docs/terms.md", "", 0, {"id": "terms"}, "Index", kind="terms")
    registry.pages.update({glossary.src: glossary, index.src: index})
    registry.special.update({"glossary": glossary.src, "terms": index.src})
    return registry.freeze(), glossary


def _backlinks(registry):
    from xref.generated.backlinks import Backlinks
    from xref.registry.resolve import resolve_all
    return Backlinks(registry, resolve_all(registry))


def test_mentioned_in_is_capped_and_points_to_the_index():
    from xref.generated.lists import MENTIONED_IN_LIMIT, mentioned_in_html
    registry, glossary = _registry(30)
    backlinks = _backlinks(registry)
    html = lxml.html.fragment_fromstring(mentioned_in_html("common", backlinks, glossary))
    links = html.findall(".//a")
    assert len(links) == MENTIONED_IN_LIMIT + 1
    assert links[0].get("href") == "../c1/#mention-common-1" and links[0].text == "Chapter 1"
    assert links[-1].text == f"{30 - MENTIONED_IN_LIMIT} more pages in the index of terms"
    assert links[-1].get("href") == "../terms/#terms-c"
    rare = lxml.html.fragment_fromstring(mentioned_in_html("rare", backlinks, glossary)).findall(".//a")
    assert [a.text for a in rare] == ["Chapter 1 ¶3", "Chapter 7 ¶3"]


def test_related_chapters_rank_rare_shared_terms_and_ignore_ubiquitous_ones():
    from xref.generated.related import related_html
    registry, _ = _registry(30)
    html = related_html(registry.pages["c1.md"], _backlinks(registry))
    items = lxml.html.fragment_fromstring(html).findall(".//li")
    assert [li.find("a").text for li in items] == ["Chapter 7: C7"]
    assert "1 shared term: rare" in items[0].text_content()


def test_body_offset_counts_front_matter_lines_even_if_another_hook_changed_the_body():
    from xref.core.markdown_syntax import body_offset as _body_offset
    raw = "---\nid: a\ntitle: T\n---\n\n# Title\n\n::: essay 1\n"
    assert _body_offset(raw, "# Title\n\n::: essay 1\n") == 5
    assert _body_offset(raw, "# Title (changed by a hook)\n") == 5
    assert _body_offset("# No front matter\n", "# No front matter\n") == 0
