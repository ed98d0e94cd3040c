"""Links between pages that lead nowhere are reported with line, column and a suggestion."""
from xref.check.page_links import broken_page_links

PAGES = {"index.md", "about.md", "chapters/01-first-half.md", "chapters/02-middleman-trap.md"}


def test_existing_pages_anchors_titles_and_code_are_not_reported():
    raw = ("See [one](01-first-half.md), [two](02-middleman-trap.md#context \"Context\"),\n"
           "[home](../index.md), `[x](missing.md)` and\n\n```\n[y](missing.md)\n```\n")
    assert broken_page_links(raw, "docs/chapters/x.md", "chapters/x.md", PAGES) == []


def test_a_link_to_a_missing_page_names_line_column_and_the_closest_page():
    raw = "# Title\n\nRead [the first chapter](01-first-halve.md) first.\n"
    [problem] = broken_page_links(raw, "docs/chapters/x.md", "chapters/x.md", PAGES)
    assert problem.format() == ("docs/chapters/x.md:3:26: the link to '01-first-halve.md' leads to no page. "
                                "Did you mean '01-first-half.md'? Or refer to a page by id: [[ch:id]].")
