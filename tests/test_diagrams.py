"""D2 diagrams (hooks/xref/markdown/diagrams.py): real renders with the locked d2 binary, read back as HTML."""
from __future__ import annotations

import re
import stat
import subprocess
from collections import Counter

import pytest
import tinycss2
from bs4 import BeautifulSoup
from hypothesis import given, settings, strategies as st

from xref.markdown import diagrams
from xref.markdown.diagrams import DiagramError, parse_fence_header, render_figure

# A labelled connection makes d2 emit a <mask> (the label's gap in the line) and a <marker> (the arrowhead).
SOURCE = 'direction: right\nplatform: "Platform"\nlender -> platform: "fee"\nplatform -> borrower: "loan"\n'
ALT = "Three boxes: a lender pays a fee to a platform, which lends to a borrower."


def render(cache_dir, fig_id="matchmaking", source=SOURCE):
    return render_figure(source, fig_id=fig_id, number="4.1", caption="Matchmaking & symbiosis", alt=ALT,
                         cache_dir=cache_dir)


@pytest.fixture(scope="module")
def figure_html(tmp_path_factory):
    return render(tmp_path_factory.mktemp("diagram-cache"))


@pytest.fixture(scope="module")
def figure(figure_html):
    return BeautifulSoup(figure_html, "html.parser").figure


def copies(figure):
    return figure.find_all("svg", class_="diagram-svg", recursive=False)


def test_figure_holds_a_light_and_a_dark_copy_and_the_numbered_caption(figure_html, figure):
    assert figure["id"] == "fig-matchmaking" and figure["class"] == ["diagram"]
    assert [svg["class"] for svg in copies(figure)] == [["diagram-svg", "diagram-light"],
                                                         ["diagram-svg", "diagram-dark"]]
    assert figure.figcaption.get_text() == "Figure 4.1: Matchmaking & symbiosis"
    assert "<?xml" not in figure_html and "<!DOCTYPE" not in figure_html.upper()
    light, dark = copies(figure)
    # The two palettes really differ: d2 paints each theme's own background first.
    background = [svg.find("svg").find("rect", recursive=False)["fill"] for svg in (light, dark)]
    assert background[0] != background[1]
    assert "Platform" in light.get_text() and "Platform" in dark.get_text()


def test_each_copy_is_an_image_labelled_by_its_title_holding_the_alt_text(figure):
    for svg in copies(figure):
        assert svg["role"] == "img"
        title = figure.find(id=svg["aria-labelledby"])
        assert title.name == "title" and title.parent is svg
        assert title.get_text() == ALT


def test_no_id_is_repeated_and_every_reference_stays_inside_its_copy(figure):
    ids = Counter(element["id"] for element in figure.find_all(id=True))
    assert len(ids) >= 6, "two titles, two masks and two markers at least"
    assert [name for name, count in ids.items() if count > 1] == []
    for svg in copies(figure):
        own = {element["id"] for element in svg.find_all(id=True)}
        references = set()
        for element in svg.find_all(True):
            for name, value in element.attrs.items():
                references.update(re.findall(r"url\(#([^)]+)\)", str(value)))
                if name in ("href", "xlink:href") and str(value).startswith("#"):
                    references.add(value[1:])
        assert references and references <= own


def test_masks_sit_inside_defs(figure):
    masks = figure.find_all("mask")
    assert len(masks) == 2
    assert all(mask.parent.name == "defs" for mask in masks)


def test_style_rules_are_scoped_to_their_copy(figure):
    # Inline SVG <style> applies to the whole HTML page: every rule must start with the copy's d2 class.
    for svg in copies(figure):
        scope = next(name for name in svg.find("svg")["class"] if re.fullmatch(r"d2-\d+", name))
        rules = [rule for style in svg.find_all("style")
                 for rule in tinycss2.parse_stylesheet(style.get_text(), skip_comments=True, skip_whitespace=True)
                 if rule.type == "qualified-rule"]
        assert len(rules) > 5
        for rule in rules:
            for selector in tinycss2.serialize(rule.prelude).split(","):
                assert selector.strip().startswith(f".{scope} "), selector


def test_the_svg_refers_to_nothing_outside_the_page(figure):
    for element in figure.find_all(True):
        for name, value in element.attrs.items():
            if not name.startswith("xmlns"):
                assert not re.search(r"(https?:)?//", str(value).replace("data:", "")), (name, value)


def test_cache_hit_does_not_run_d2_and_ids_follow_the_figure(tmp_path, monkeypatch):
    first = render(tmp_path)
    cached = sorted(tmp_path.glob("*.svg"))
    assert len(cached) == 2  # one per palette
    assert all(path.stat().st_mode & stat.S_IROTH for path in cached), "cache files must be world-readable"

    def no_d2(*args, **kwargs):
        raise AssertionError(f"d2 ran on a cache hit: {args}")

    monkeypatch.setattr(diagrams.subprocess, "run", no_d2)
    assert render(tmp_path) == first
    other = BeautifulSoup(render(tmp_path, fig_id="other"), "html.parser")
    assert all(element["id"].startswith("fig-other") for element in other.find_all(id=True))


def test_changed_source_misses_the_cache(tmp_path):
    render(tmp_path)
    render(tmp_path, source=SOURCE + "borrower -> lender\n")
    assert len(list(tmp_path.glob("*.svg"))) == 4


@pytest.mark.parametrize(("source", "line", "complaint"), [
    ("a -> b\nb: {\n  c -> \n}\n", 3, "connection missing destination"),
    ("a -> b\nb.shape: nonsense\n", 2, 'unknown shape "nonsense"'),
])
def test_d2_error_names_the_line_and_what_to_do(tmp_path, source, line, complaint):
    with pytest.raises(DiagramError) as caught:
        render(tmp_path, source=source)
    assert caught.value.line == line
    assert f"line {line}, column" in caught.value.message and complaint in caught.value.message
    assert "correct the D2 source" in caught.value.message
    assert str(caught.value).startswith(f"line {line} of the diagram: ")
    assert list(tmp_path.glob("*.svg")) == [], "a failed render is not cached"


def test_timeout_is_reported_with_advice(tmp_path, monkeypatch):
    def slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(diagrams.subprocess, "run", slow)
    with pytest.raises(DiagramError, match=r"did not finish within \d+ s: simplify the diagram"):
        render(tmp_path)


def test_missing_d2_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(diagrams.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DiagramError, match="d2 binary was not found.*make"):
        render(tmp_path)


def test_remote_icons_are_rejected_with_their_line(tmp_path):
    # d2 runs with --bundle=false, so it does not try to download the icon; the reference itself is refused.
    with pytest.raises(DiagramError, match="icons.example/x.svg.*remove the icon") as caught:
        render(tmp_path, source="a -> b\nb.icon: https://icons.example/x.svg\n")
    assert caught.value.line == 2


def test_built_pages_keep_figures_intact(built_site):
    pages = [page for page in built_site.glob("**/index.html") if 'class="diagram"' in page.read_text()]
    assert len(pages) >= 6, "one diagram per chapter at least"
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        ids = Counter(element["id"] for element in soup.find_all(id=True))
        assert [name for name, count in ids.items() if count > 1] == [], page
        assert all(mask.parent.name == "defs" for mask in soup.find_all("mask")), page
        assert any(link["href"].endswith("assets/diagrams.css") for link in soup.find_all("link", rel="stylesheet"))
        for figure in soup.find_all("figure", class_="diagram"):
            assert len(copies(figure)) == 2 and figure.figcaption.get_text().startswith("Figure ")


def test_fence_header_is_parsed():
    header = parse_fence_header('d2 id="timeline" caption="From Yu\'e Bao to the \\"Ant\\" fine" alt="A timeline"')
    assert header == {"id": "timeline", "caption": 'From Yu\'e Bao to the "Ant" fine', "alt": "A timeline"}
    # The Markdown pass hands over the header without the language.
    assert parse_fence_header('id="p2p-decline" caption="c" alt="a"')["id"] == "p2p-decline"


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


words = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1).filter(lambda s: s.strip() == s)


@settings(max_examples=60, database=None)  # no .hypothesis/ folder in the checkout
@given(fig_id=st.from_regex(diagrams.FIG_ID, fullmatch=True), caption=words, alt=words)
def test_any_quoted_caption_and_alt_come_back_unchanged(fig_id, caption, alt):
    info = f"d2 alt={quoted(alt)} id={quoted(fig_id)}  caption={quoted(caption)}"
    assert parse_fence_header(info) == {"id": fig_id, "caption": caption, "alt": alt}


@pytest.mark.parametrize(("info", "message"), [
    ('d2 id="timeline" caption="Dates"', r"lacks alt: every diagram needs .* alt text, e\.g\. ```d2 id="),
    ('d2 id="timeline" caption="" alt="a"', "lacks caption"),
    ('d2 id="Time_line" caption="c" alt="a"', 'id "Time_line" is not allowed: use lowercase letters'),
    ('d2 id="timeline" caption="c" alt="a" title="t"', "unknown diagram attribute `title`: use only id"),
    ('d2 id=timeline caption="c" alt="a"', r"cannot read the diagram header at `id=timeline.*double quotes"),
    ('d2 id="a" id="b" caption="c" alt="a"', "`id` is given twice"),
])
def test_fence_header_errors_say_what_to_do(info, message):
    with pytest.raises(DiagramError, match=message) as caught:
        parse_fence_header(info)
    assert caught.value.line is None  # the fence line itself: the caller knows where it is
