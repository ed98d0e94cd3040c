"""Malformed front matter is reported with file, line and what to do (MkDocs alone would ignore it)."""
from xref.check.front_matter import front_matter_problem


def test_valid_front_matter_and_pages_without_it_pass():
    assert front_matter_problem("---\nid: a\ntitle: A\n---\n# A\n", "a.md") is None
    assert front_matter_problem("# No front matter\n\n---\n", "a.md") is None


def test_invalid_yaml_names_the_line_and_column():
    problem = front_matter_problem("---\nid: a\ntitle: [unclosed\n---\n# A\n", "docs/a.md")
    assert problem is not None
    assert problem.format().startswith("docs/a.md:3:17: the front matter is not valid YAML")
    assert "Fix the YAML between the '---' lines" in problem.format()


def test_unclosed_and_non_mapping_front_matter():
    assert "never closed" in front_matter_problem("---\nid: a\n# A\n", "a.md").message
    assert "'key: value' lines" in front_matter_problem("---\n- a\n- b\n---\n", "a.md").message
