"""The offline editions: the PDF (pypdf, pdftoppm), the EPUB (epubcheck) and the offline site zip.

The three editions of the real handbook are built once per session (`editions` fixture); the other tests use tiny
hand-made inputs.
"""
from __future__ import annotations

import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, run_build
from PIL import Image
from pypdf import PdfReader

from editions import assemble, build_all, common, epub, offline, page_numbers, pdf
from support import pdf_text
from support.planted import OVER_WIDE
from xref.markdown.diagrams import render_figure
from third_party_scan import scan

ARTIFACTS = ROOT / "test-artifacts"


# --- fixtures -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def editions(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("editions")
    return build_all.build_editions(out_dir=out, version="test-1.0")


@pytest.fixture(scope="session")
def reader(editions) -> PdfReader:
    return PdfReader(editions["pdf"])


@pytest.fixture(scope="session")
def page_texts(reader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture(scope="session")
def site_titles(built_site) -> list[str]:
    """The h1 of every page the book holds, read from the built website in navigation order."""
    titles = []
    for page in common.book_pages(common.load_config()):
        soup = BeautifulSoup((built_site / page.html_path).read_text(encoding="utf-8"), "lxml")
        h1 = soup.select_one("article.md-content__inner h1")
        for link in h1.select("a.headerlink"):
            link.decompose()
        titles.append(squash(h1.get_text()))
    return titles


def squash(text: str) -> str:
    return " ".join(text.split())


def letters(text: str) -> str:
    """Text without spaces, hyphens or line breaks: wrapped and hyphenated words still match."""
    return re.sub(r"[\s\u00ad\-‐]+", "", text).lower()


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((squash(item.title), reader.get_destination_page_number(item)))
    walk(reader.outline)
    return found


def glossary_terms() -> list[str]:
    path = ROOT / "data" / "glossary.yml"
    if not path.is_file():
        return []
    return [entry["term"] for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


# --- PDF --------------------------------------------------------------------------------------------------------

def test_outline_has_every_chapter_title(reader, site_titles):
    outline = [title for title, _ in outline_titles(reader)]
    missing = [title for title in site_titles if title not in outline]
    assert not missing, f"PDF bookmarks lack these page titles: {missing}"


def test_page_count_is_plausible(reader, page_texts, site_titles):
    words = sum(len(text.split()) for text in page_texts)
    pages = len(reader.pages)
    # cover + contents + at least one page per chapter; no page nearly empty on average (not a one-page collapse)
    assert pages >= len(site_titles) + 2
    assert words / pages > 60, f"{pages} pages for {words} words: the layout is mostly blank"


def toc_entries(page_texts: list[str]) -> list[tuple[str, int]]:
    """(title, printed page number) for each line of the contents, joining titles that wrap."""
    start = next(i for i, text in enumerate(page_texts) if text.lstrip().startswith("Contents"))
    end = next(i for i in range(start, len(page_texts)) if "....." not in page_texts[i])
    assert end > start, "the contents have no dot leaders"
    entries, pending = [], ""
    for text in page_texts[start:end]:
        for line in text.splitlines():
            match = re.match(r"^(.*?)[\s.]*?\.{3,}\s*(\d+)$", line.strip()) or re.match(r"^(\.*)\s*(\d+)$", line.strip())
            if match:
                entries.append((squash(f"{pending} {match.group(1)}"), int(match.group(2))))
                pending = ""
            elif line.strip() not in ("Contents",) and not line.strip().isupper():
                pending = f"{pending} {line.strip()}"
    return entries


def test_toc_page_numbers_point_to_the_titles(page_texts, site_titles):
    entries = toc_entries(page_texts)
    assert {title for title, _ in entries} >= set(site_titles), "the contents lack page titles"
    for title, number in entries:
        assert 1 <= number <= len(page_texts), f"contents: {title!r} points past the end (p. {number})"
        assert letters(title) in letters(page_texts[number - 1]), \
            f"contents say {title!r} is on p. {number}, but that page reads: {page_texts[number - 1][:300]!r}"


def link_annotations(reader: PdfReader):
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                yield index, annotation


def test_internal_links_resolve(reader, site_titles):
    destinations = reader.named_destinations
    internal = 0
    for index, annotation in link_annotations(reader):
        action = annotation.get("/A")
        if "/Dest" in annotation:
            dest = annotation["/Dest"]
        elif action is not None and action.get("/S") == "/GoTo":
            dest = action["/D"]
        else:
            uri = action.get("/URI") if action is not None else None
            assert uri is None or not str(uri).startswith("file:"), f"p. {index + 1}: link to a local file {uri}"
            continue
        internal += 1
        name = str(dest) if not isinstance(dest, list) else None
        if name is not None:
            assert name in destinations, f"p. {index + 1}: link to #{name}, which is not in the document"
            assert reader.get_destination_page_number(destinations[name]) >= 0
    # at least the contents: one link per page title
    assert internal >= len(site_titles)


def font_descriptors(reader: PdfReader):
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    yield font.get("/BaseFont"), descriptor.get_object()


def test_fonts_are_embedded(reader):
    described = list(font_descriptors(reader))
    assert described, "no fonts found in the PDF"
    for name, descriptor in described:
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"font {name} is not embedded"


def test_every_title_and_glossary_term_is_in_the_text(page_texts, site_titles):
    text = letters(" ".join(page_texts))
    missing = [title for title in site_titles + glossary_terms() if letters(title) not in text]
    assert not missing, f"not in the PDF's text: {missing}"


def test_metadata_language_and_tags(reader):
    info = reader.metadata
    assert info.title.startswith("Fintech's New Look")
    assert "test-1.0" in (info.get("/Keywords") or "") or "test-1.0" in str(info.get("/version"))
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, "the PDF is not tagged"


def test_cover_names_the_edition_and_the_essays_provenance(page_texts):
    cover = squash(page_texts[0])
    assert "test-1.0" in cover
    assert "litk.net on 2023-08-06" in cover and "author not stated" in cover


def test_cross_references_carry_page_numbers(built_site, page_texts):
    xrefs = 0
    for path in built_site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        xrefs += len([a for a in soup.select("article a.xref") if urlsplit(a.get("href", "")).netloc == ""])
    assert xrefs > 0, "the site has no generated cross-references (a.xref) to number"
    numbered = re.findall(r"\(p\.\s?\d+\)", " ".join(page_texts))
    assert len(numbered) >= min(xrefs, 5), "cross-references lack their '(p. N)'"


PAGE_REF = re.compile(r"\(p\.\s?(\d+)\)")


def internal_link_pages(reader: PdfReader, page_index: int, annotations) -> set[int]:
    """The (1-based) pages that the internal links among `annotations` lead to."""
    pages = set()
    for annotation in annotations:
        action = annotation.get("/A")
        dest = annotation.get("/Dest") or (action.get("/D") if action is not None else None)
        if dest is None:
            continue
        if isinstance(dest, list):
            pages.add(reader.get_page_number(dest[0].get_object()) + 1)
        else:
            pages.add(reader.get_destination_page_number(reader.named_destinations[str(dest)]) + 1)
    return pages


def test_every_page_number_after_a_reference_is_where_a_link_on_its_page_leads(reader, page_texts):
    """The numbers are written in after layout (page_numbers.py): each "(p. N)" must name the page that a link on
    the same page goes to."""
    by_page: dict[int, list] = {}
    for index, annotation in link_annotations(reader):
        by_page.setdefault(index, []).append(annotation)
    checked = 0
    for index, text in enumerate(page_texts):
        numbers = {int(number) for number in PAGE_REF.findall(text)}
        destinations = internal_link_pages(reader, index, by_page.get(index, []))
        assert numbers <= destinations, \
            f"p. {index + 1} prints page references {sorted(numbers - destinations)} that none of its links lead to"
        checked += len(numbers)
    assert checked > 0, "no '(p. N)' found in the PDF"


def paged_html(sections: int, body: str) -> str:
    """A small book: one A6 page per section (id s1, s2, ...), `body` in the first one."""
    pages = "".join(f'<section id="s{n}" style="break-before: page"><h2>Section {n}</h2></section>'
                    for n in range(2, sections + 1))
    return (f'<html lang="en"><head><title>t</title><style>@page {{ size: A6; margin: 10mm }}'
            f' p {{ text-align: justify }}</style></head><body><section id="s1">{body}</section>{pages}</body></html>')


def page_ref(target: str, digits: int) -> str:
    return (f'<a href="#{target}">{target}<span class="{page_numbers.PAGE_REF}" {page_numbers.PAGE_OF}="{target}">'
            f' (p.\u202f{page_numbers.placeholder(digits)})</span></a>')


def test_page_numbers_are_written_into_the_laid_out_lines(tmp_path):
    words = " ".join(["words to fill justified lines"] * 6)
    body = (f"<p>{words} {page_ref('s3', 2)} {words} {page_ref('s12', 2)} {words}</p>"
            f'<p><a href="#s12">contents<span class="{page_numbers.TOC_NUMBER}" {page_numbers.PAGE_OF}="s12">00</span>'
            f"</a></p>")
    out = pdf.render_pdf(paged_html(12, body), tmp_path / "refs.pdf", digits=2)
    reader = PdfReader(out)
    first = squash(reader.pages[0].extract_text())
    assert len(reader.pages) == 12
    assert PAGE_REF.findall(first) == ["3", "12"], first
    assert "00" not in first and re.search(r"contents\s*12$", first), first
    assert "Section 12" in reader.pages[11].extract_text()


def test_a_page_number_wider_than_its_placeholder_is_refused(tmp_path):
    body = f"<p>See {page_ref('s12', 1)}.</p>"
    with pytest.raises(page_numbers.PageDigitsError, match=r"page 12 .*#s12.*2-digit") as raised:
        pdf.render_pdf(paged_html(12, body), tmp_path / "narrow.pdf", digits=1)
    assert raised.value.digits == 2
    assert not (tmp_path / "narrow.pdf").exists()


@pytest.mark.parametrize(("link", "wanted"), [
    ('<a class="xref xref-ch" href="#chapters-02--x">Chapter 2</a>', True),
    ('<a class="xref xref-auto" href="#glossary--fintech">fintech</a>', False),
    ('<a class="xref xref-src" href="#sources--bis-2019">BIS 2019</a>', False),
    ('<a href="#chapters-01-first-half--mention-fintech-1">Chapter 1</a>', True),
    ('<a href="#chapters-02-middleman-trap--para-4">¶4</a>', True),
    ('<a class="essay-para-num" href="#essay--para-4">¶4</a>', False),
    ('<a href="#glossary--cite-litk-2023-08-06-1">Glossary</a>', True),
    ('<a href="#about">About</a>', False),
    ('<a class="xref" href="https://example.org/#x--ref-1">elsewhere</a>', False),
])
def test_which_links_carry_a_page_number(link, wanted):
    assert pdf.wants_page_number(lxml.html.fragment_fromstring(link)) is wanted


def render_png(pdf_path: Path, page: int, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf_path), str(stem)], check=True, timeout=60)
    return stem.with_suffix(".png")


def test_cover_and_a_chapter_page_render(editions, page_texts, site_titles):
    cover = Image.open(render_png(editions["pdf"], 1, "pdf-cover")).convert("RGB")
    # the cover is the dark indigo page, not a blank one
    assert sum(cover.resize((1, 1)).getpixel((0, 0))) < 300
    chapter = next(i for i, text in enumerate(page_texts) if letters(site_titles[1]) in letters(text) and i > 3)
    image = Image.open(render_png(editions["pdf"], chapter + 1, "pdf-chapter")).convert("L")
    dark = image.histogram()[:128]
    dark = sum(dark)
    assert dark > 0.005 * image.width * image.height, "the chapter page is (nearly) blank"


def test_fetcher_refuses_other_hosts_and_the_build_says_which(tmp_path):
    html = '<html lang="en"><title>t</title><body><p>x</p><img src="https://example.invalid/a.png" alt="a"></body></html>'
    with pytest.raises(common.EditionError, match=r"https://example\.invalid/a\.png.*only local files"):
        pdf.render_pdf(html, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# --- assembling pages into one document ---------------------------------------------------------------------

def fake_site(root: Path, pages: dict[str, str]) -> Path:
    for url, body in pages.items():
        path = root / url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'<html><body><article class="md-content__inner md-typeset">{body}</article></body></html>',
                        encoding="utf-8")
    return root


def test_assemble_prefixes_ids_and_retargets_links(tmp_path):
    site = fake_site(tmp_path / "site", {
        "": '<h1 id="home">Home<a class="headerlink" href="#home">¶</a></h1>'
            '<p><a href="a/#para-2">to A</a> <a href="b/">to B</a> <a href="nowhere/">gone</a></p>',
        "a": '<h1 id="a">A</h1><blockquote class="essay-para" id="para-2">text</blockquote>'
             '<p><a href="#para-2">same page</a> <a href="../#missing">home, unknown anchor</a></p>'
             '<figure class="diagram" id="fig-x"><svg class="light" id="s1"></svg>'
             '<svg class="diagram-dark" id="s2"></svg><figcaption>Figure 1.1</figcaption></figure>',
        "b": '<h1 id="b">B</h1>',
    })
    config = {"site_name": "T: sub", "site_url": "https://example.org/t/",
              "nav": [{"Home": "index.md"}, {"Part": ["a.md", "b.md"]}, "contributing.md"]}
    fake_site(site, {"contributing": "<h1>C</h1>"})
    book = assemble.assemble(site, config, "9")
    assert [c.anchor for c in book.chapters] == ["index", "a", "b"]
    html = "".join(book.html_fragments())
    soup = BeautifulSoup(html, "lxml")
    hrefs = [a["href"] for a in soup.select("a")]
    assert hrefs == ["#a--para-2", "#b", "#a--para-2", "#index"]
    assert "gone" in soup.get_text() and soup.find(id="a--para-2") is not None
    assert not soup.select("a.headerlink")
    figure = soup.find(id="a--fig-x")
    assert [svg["id"] for svg in figure.select("svg")] == ["s1"], "only the light diagram stays"
    assert book.chapters[1].page.group == "Part"


def test_assemble_names_a_page_missing_from_the_site(tmp_path):
    site = fake_site(tmp_path / "site", {"": "<h1>Home</h1>"})
    with pytest.raises(common.EditionError, match=r"a/index\.html: missing from the built site.*a\.md"):
        assemble.assemble(site, {"site_name": "T", "nav": ["index.md", "a.md"]})


# --- EPUB -------------------------------------------------------------------------------------------------------

def test_epub_passes_epubcheck(editions):
    result = epub.epubcheck(editions["epub"])
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "ERROR" not in report and "FATAL" not in report, report


def test_epub_has_metadata_and_every_chapter(editions, site_titles):
    with zipfile.ZipFile(editions["epub"]) as archive:
        names = archive.namelist()
        opf = archive.read(next(n for n in names if n.endswith(".opf"))).decode("utf-8")
        text = " ".join(BeautifulSoup(archive.read(n), "xml").get_text() for n in names if n.endswith(".xhtml"))
    assert "<dc:title" in opf and "Fintech&#39;s New Look" in opf
    assert "<dc:language>en</dc:language>" in opf and "edition:test-1.0</dc:identifier>" in opf
    assert "author not stated" in opf
    body = letters(text)
    assert all(letters(title) in body for title in site_titles)


# --- offline site -----------------------------------------------------------------------------------------------

def test_offline_zip_is_self_contained_with_search_and_shim(editions, tmp_path):
    with zipfile.ZipFile(editions["offline"]) as archive:
        archive.extractall(tmp_path)
    site = tmp_path / common.BASENAME
    assert scan(site) == [], "the offline site loads resources from other hosts"
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index =")
    shim = site / offline.SHIM_TARGET / "shim.js"
    assert shim.read_bytes() == (ROOT / "node_modules/iframe-worker/shim/index.js").read_bytes()
    page = site / "chapters" / "01-first-half.html"      # offline: no directory URLs
    scripts = [s.get("src") for s in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("script[src]")]
    assert "../assets/javascripts/iframe-worker/shim.js" in scripts
    assert not any("unpkg" in (src or "") for src in scripts)


@pytest.mark.browser
def test_offline_search_works_from_the_file_system(editions, tmp_path, browser):
    with zipfile.ZipFile(editions["offline"]) as archive:
        archive.extractall(tmp_path)
    index = tmp_path / common.BASENAME / "index.html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        errors, requests = [], []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(index.as_uri())
        page.fill("input.md-search__input", "infrastructure")
        page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0", timeout=15000)
    finally:
        page.close()
    assert errors == [], errors
    assert all(url.startswith(("file:", "data:", "about:", "blob:")) for url in requests), requests


def test_offline_config_differs_from_the_site_only_where_it_must():
    site = common.load_config(ROOT / "mkdocs.yml")
    offline_config = common.load_config(ROOT / "mkdocs-offline.yml")
    instant = {"navigation.instant", "navigation.instant.progress"}
    assert offline_config["theme"]["features"] == [f for f in site["theme"]["features"] if f not in instant]

    def by_name(plugins):
        return {next(iter(p)) if isinstance(p, dict) else p: (p[next(iter(p))] if isinstance(p, dict) else None)
                for p in plugins}
    expected = {name: options for name, options in by_name(site["plugins"]).items() if name != "mike"}
    expected["offline"] = None
    assert by_name(offline_config["plugins"]) == expected
    assert offline_config["extra"]["version"] is None and offline_config["extra"]["editions"] is False


def test_a_failing_site_build_is_reported_with_its_config(tmp_path):
    with pytest.raises(common.EditionError, match=r"the site does not build \(missing\.yml\); fix the errors below"):
        common.build_site(tmp_path / "site", tmp_path / "missing.yml")


def test_cli_names_a_missing_configuration(tmp_path, capsys):
    code = build_all.main(["--config", str(tmp_path / "mkdocs.yml"), "--out", str(tmp_path / "out")])
    assert code == 1
    assert f"{tmp_path / 'mkdocs.yml'}: no such MkDocs configuration" in capsys.readouterr().err


def test_vendor_shim_says_how_to_install_it(tmp_path):
    with pytest.raises(common.EditionError, match=r"shim/index\.js: missing.*bootstrap\.sh all"):
        offline.vendor_shim(tmp_path / "site", package=tmp_path / "no-such-package")


# --- downloads in the site --------------------------------------------------------------------------------------

def download_links(site: Path) -> list[tuple[Path, str]]:
    links = []
    for path in [site / "index.html", site / "chapters" / "01-first-half" / "index.html"]:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        links += [(path, a["href"]) for a in soup.select("a[href]") if "downloads/" in a["href"]]
    return links


def test_plain_build_has_no_download_links(built_site):
    assert download_links(built_site) == []


def test_editions_build_links_the_copied_files(editions, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDBOOK_EDITIONS", "true")
    site = tmp_path / "site"
    result = run_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    build_all.copy_into_site(editions, site)
    links = download_links(site)
    assert len(links) == 2 * 3, links
    for page, href in links:
        target = Path(urljoin(page.as_uri(), href)[len("file://"):])
        assert target.is_file(), f"{page}: {href} does not exist"


def test_copy_into_site_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    code = build_all.main(["--only", "offline", "--out", str(tmp_path / "out"), "--site", str(tmp_path)])
    assert code == 1
    assert f"{tmp_path}: not a built site" in capsys.readouterr().err


def test_editions_from_a_built_site_build_no_site_of_their_own(built_site, tmp_path, monkeypatch):
    """A release builds its site once: the PDF and EPUB are made from it (--from-site), not from another build."""
    def no_build(*args, **kwargs):
        raise AssertionError("the editions built the site again")
    monkeypatch.setattr(build_all, "SiteBuild", no_build)
    files = build_all.build_editions(("epub",), tmp_path / "out", "test-1.0", from_site=built_site)
    assert zipfile.ZipFile(files["epub"]).testzip() is None
    with pytest.raises(AssertionError, match="built the site again"):     # without it, the site is built
        build_all.build_editions(("epub",), tmp_path / "again", "test-1.0")
    release = (ROOT / "scripts" / "release.py").read_text(encoding="utf-8")
    assert '"--from-site", str(site)' in release, "scripts/release.py makes its editions from its own build"


# --- diagram labels on paper (issue 16, item 1) -----------------------------------------------------------------

SMALLEST_PRINTED_LABEL_PT = 8.0


def diagram_label_sizes(pdf_path: Path) -> dict[int, float]:
    """{page: smallest diagram label in pt}. d2 embeds its own fonts (d2-NNN-font-*), so they mark its labels."""
    smallest: dict[int, float] = {}
    for run in pdf_text.printed_runs(pdf_path):
        if run.font.startswith("d2-"):
            smallest[run.page] = min(run.size, smallest.get(run.page, run.size))
    return smallest


def test_diagram_labels_print_at_8_pt_or_more(editions, built_site, tmp_path):
    figures = sum(page.read_text(encoding="utf-8").count('<figure class="diagram"')
                  for page in built_site.glob("**/index.html"))
    sizes = diagram_label_sizes(editions["pdf"])
    assert len(sizes) >= min(figures, 7), f"diagram labels found on pages {sorted(sizes)} for {figures} figures"
    too_small = {page: round(size, 1) for page, size in sizes.items() if size < SMALLEST_PRINTED_LABEL_PT}
    assert too_small == {}, f"diagram labels under {SMALLEST_PRINTED_LABEL_PT} pt on pages {too_small}"
    # The measurement is live: the print CSS shrinks an over-wide diagram below the limit, and it is found.
    planted = render_figure(OVER_WIDE, fig_id="wide", number="1", caption="c", alt="a", cache_dir=tmp_path)
    html = f'<html><head><link rel="stylesheet" href="print.css"></head><body>{planted}</body></html>'
    planted_sizes = diagram_label_sizes(pdf.render_pdf(html, tmp_path / "planted.pdf"))
    assert planted_sizes and max(planted_sizes.values()) < SMALLEST_PRINTED_LABEL_PT, planted_sizes


# --- issue 16, item 8: the PDF's page fill, web-only text, related reading; the version; the EPUB -------------

FULL_ENOUGH = 0.6           # a page inside a chapter is filled at least this far down its content area
BODY_MARGIN_PT = 24 / 25.4 * 72    # print.css: @page margin 24 mm top and bottom


def page_fills(pdf_path: Path) -> list[float | None]:
    """For each page, how far down its content area the text reaches (0-1); None for a page without text."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True)
    root = lxml.etree.fromstring(out.stdout.encode("utf-8"), lxml.etree.XMLParser(recover=True))
    fills: list[float | None] = []
    for page in root.iter("{*}page"):
        height = float(page.get("height"))
        top, bottom = BODY_MARGIN_PT, height - BODY_MARGIN_PT
        lows = [float(word.get("yMax")) for word in page.iter("{*}word")
                if top - 2 < float(word.get("yMin")) and float(word.get("yMax")) < bottom + 2]
        fills.append((max(lows) - top) / (bottom - top) if lows else None)
    return fills


def chapter_start_pages(reader: PdfReader) -> set[int]:
    """1-based pages where a bookmark of the first level (a page of the handbook) starts."""
    return {reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)}


def half_empty_pages(pdf_path: Path, starts: set[int]) -> list[tuple[int, float]]:
    """Pages followed by more of the same chapter (a page with text that starts no chapter) but not filled."""
    fills = page_fills(pdf_path)
    return [(number, round(fill, 2)) for number, (fill, following) in enumerate(zip(fills, fills[1:]), start=1)
            if number > 1 and fill is not None and following is not None and number + 1 not in starts
            and fill < FULL_ENOUGH]


def test_no_page_inside_a_chapter_is_left_half_empty(editions, reader, tmp_path):
    assert half_empty_pages(editions["pdf"], chapter_start_pages(reader)) == []
    # The measurement is live: a figure too tall for the rest of its page leaves that page half empty.
    filler = "<p>" + "A line of running text for the planted page. " * 30 + "</p>"
    tall = '<figure style="height: 160mm; border: 1pt solid"><figcaption>A tall figure</figcaption></figure>'
    cover = '<p style="break-after: page">A cover</p>'       # page 1 is never judged
    html = (f'<html lang="en"><head><link rel="stylesheet" href="print.css"></head><body>{cover}{filler}{tall}'
            f"{filler}</body></html>")
    planted = pdf.render_pdf(html, tmp_path / "planted.pdf")
    assert [number for number, _ in half_empty_pages(planted, set())] == [2]


def test_a_chapter_whose_figure_moved_is_set_again_alone_into_the_pages_the_whole_book_would_get(
        tmp_path, monkeypatch):
    filler = "<p>" + "A line of running text for the planted page. " * 30 + "</p>"
    tall = '<figure id="fig-tall" style="height: 160mm"><figcaption>A tall figure</figcaption></figure>'
    site = fake_site(tmp_path / "site", {
        "": '<h1 id="home">Home</h1><p>The cover and contents come first.</p>',
        "a": f'<h1 id="a">A</h1>{filler}{tall}{filler * 2}',
        "b": f'<h1 id="b">B</h1>{filler}<p id="end">The end.</p>',
    })
    config = {"site_name": "T: sub", "site_url": "https://example.org/t/",
              "nav": [{"Home": "index.md"}, "a.md", "b.md"]}
    fake_site(site, {"contributing": "<h1>C</h1>"})
    layouts, real_layout = [], pdf.layout

    def counted(html, *args, **kwargs):
        document = real_layout(html, *args, **kwargs)
        layouts.append(len(document.pages))
        return document

    def pages(out: Path) -> list[str]:
        book = assemble.assemble(site, config, "9")
        pdf.prepare_chapters(book)
        pdf.write_pdf(pdf.laid_out_book(book, 2), out, 2)
        return [squash(page.extract_text()) for page in PdfReader(out).pages]

    monkeypatch.setattr(pdf, "layout", counted)
    alone = pages(tmp_path / "alone.pdf")
    assert len(layouts) == 2 and layouts[1] < layouts[0], f"no chapter was set alone: {layouts}"
    assert len(alone) < layouts[0], "the chapter kept its length: the pages after it were not renumbered"
    monkeypatch.setattr(pdf, "set_again", lambda book, document, chapters, digits, fonts:   # the whole book again
                        pdf.layout(pdf.print_html(book, digits), fonts=fonts))
    whole = pages(tmp_path / "whole.pdf")
    assert alone == whole               # every page, the number at its foot and the contents' numbers too
    assert any("A tall figure" in page for page in alone)


def test_pdf_prints_no_web_only_text(built_site, page_texts):
    home = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "lxml")
    web_only = [" ".join(span.get_text().split()) for span in home.select("article .web-only")]
    assert any("hover over" in text for text in web_only), "the web-only wording is no longer marked"
    text = squash(" ".join(page_texts))
    assert "hover over" not in text and "focus the link" not in text
    assert not re.search(r"\bHome\b", text), re.findall(r".{40}\bHome\b.{20}", text)[:3]


def test_related_chapters_carry_page_numbers(built_site, editions):
    related = 0
    for page in common.book_pages(common.load_config()):
        soup = BeautifulSoup((built_site / page.html_path).read_text(encoding="utf-8"), "lxml")
        related += len(soup.select("aside.xref-related li a"))
    assert related >= 6, "the chapters no longer list related reading"
    # pdftotext keeps each bullet with its item (pypdf's extraction moves list markers about)
    text = subprocess.run(["pdftotext", str(editions["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    blocks = re.findall(r"Related chapters(.*?)(?:Referenced from|\n\s*\n\s*\n)", text, re.S)
    assert blocks, "no related-chapters list in the PDF"
    for block in blocks:
        items = [squash(item) for item in block.split("•")[1:]]   # the list's bullets, wrapped lines joined
        assert items and all(re.search(r"\(p\.\s?\d+\)", item) for item in items), items


def test_a_release_tag_is_the_edition_version_and_anything_else_a_preview(tmp_path, monkeypatch):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("a")
    git("add", "a.txt")
    git("commit", "-q", "-m", "a")
    git("tag", "v9.9")
    monkeypatch.delenv("HANDBOOK_VERSION", raising=False)
    monkeypatch.setattr(common, "ROOT", tmp_path)
    assert common.edition_version() == "9.9"
    (tmp_path / "a.txt").write_text("changed")
    assert common.edition_version() == "dev (v9.9-dirty)"
    git("commit", "-q", "-am", "b")
    assert re.fullmatch(r"dev \(v9\.9-1-g[0-9a-f]+\)", common.edition_version())


def epub_documents(path: Path) -> dict[str, BeautifulSoup]:
    with zipfile.ZipFile(path) as archive:
        return {name: BeautifulSoup(archive.read(name), "xml") for name in archive.namelist()
                if name.endswith(".xhtml")}


def test_epub_title_page_and_cover_show_the_version(editions, page_texts):
    documents = epub_documents(editions["epub"])
    title_page = next(soup for name, soup in documents.items() if name.endswith("title_page.xhtml"))
    assert "test-1.0" in title_page.get_text() and "dev (" not in title_page.get_text()
    assert "dev (" not in page_texts[0]


def test_epub_has_a_cover_image(editions):
    with zipfile.ZipFile(editions["epub"]) as archive:
        names = archive.namelist()
        opf_name = next(n for n in names if n.endswith(".opf"))
        item = BeautifulSoup(archive.read(opf_name), "xml").find("item", properties="cover-image")
        assert item is not None, "no cover-image in the manifest"
        image = Image.open(archive.open(posixpath.join(posixpath.dirname(opf_name), item["href"])))
    assert item["media-type"] == "image/png" and image.size[0] >= 1000
    assert abs(image.size[1] / image.size[0] - 1.5) < 0.01, image.size


def test_epub_keeps_the_essay_quotations_and_footnotes(editions, built_site):
    quotations, notes = 0, 0
    for page in common.book_pages(common.load_config()):
        soup = BeautifulSoup((built_site / page.html_path).read_text(encoding="utf-8"), "lxml")
        quotations += len(soup.select("article blockquote.essay-para"))
        notes += len(soup.select("article a.footnote-ref")) + len(soup.select("article a.lemma"))  # apparatus too
    assert quotations >= 12 and notes >= 1
    documents = epub_documents(editions["epub"])
    kept = sum(len(soup.select("div[class~=essay-para] > blockquote")) for soup in documents.values())
    assert kept == quotations
    refs = [(soup, ref) for soup in documents.values() for ref in soup.find_all("a", attrs={"epub:type": "noteref"})]
    assert len(refs) == notes
    for soup, ref in refs:
        note = soup.find(id=ref["href"].lstrip("#"))
        assert note is not None and note.name == "aside" and note.get("epub:type") == "footnote", ref
    with zipfile.ZipFile(editions["epub"]) as archive:
        css = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".css"))
    assert "div.essay-para > blockquote" in css


@pytest.mark.browser
def test_epub_figures_fit_a_700_px_reading_view(editions, tmp_path, browser):
    with zipfile.ZipFile(editions["epub"]) as archive:
        archive.extractall(tmp_path)
    chapters = [path for path in sorted(tmp_path.rglob("*.xhtml")) if "<img" in path.read_text(encoding="utf-8")
                and "cover" not in path.name]
    assert len(chapters) >= 6
    page = browser.new_page(viewport={"width": 700, "height": 900})
    widths = []
    try:
        for chapter in chapters:
            page.goto(chapter.as_uri())
            page.wait_for_function("[...document.images].every(i => i.complete)")
            widths += page.evaluate("() => [...document.images].map(i => [i.getBoundingClientRect().width, "
                                    "i.naturalWidth, document.body.clientWidth])")
        # The rule is live: the same image given the old diagrams' width (1,418 px) still fits.
        planted = page.evaluate("""() => { const wide = document.images[0].cloneNode();
            wide.setAttribute('width', '1418'); wide.removeAttribute('height'); document.body.append(wide);
            return [wide.getBoundingClientRect().width, document.body.clientWidth] }""")
    finally:
        page.close()
    assert widths and all(width <= body + 0.5 for width, _, body in widths), widths
    assert all(natural > 0 for _, natural, _ in widths), "an image did not load"
    assert 0 < planted[0] <= planted[1], planted


# --- the apparatus on paper and in the e-book (issue 14) --------------------------------------------------------

def note_count() -> int:
    return len(yaml.safe_load((ROOT / "data" / "notes.yml").read_text(encoding="utf-8")))


def test_pdf_sets_each_note_as_a_footnote_at_its_lemma_and_each_panel_in_one_line(page_texts, built_site):
    text = squash(" ".join(page_texts))
    notes = yaml.safe_load((ROOT / "data" / "notes.yml").read_text(encoding="utf-8"))
    for note in notes:      # each note's lemma heads its footnote: "C-terminal traffic] Translation note …"
        assert squash(f"{note['lemma']}]") in text, f"no footnote for the lemma {note['lemma']!r}"
    # set once: in the chapter that quotes the paragraph, not again on the essay's page
    assert len(re.findall(r"\] (?:Explanatory|Translation|Textual) note", text)) == len(notes)
    lines = re.findall(r"Discussed in [^·]*?\(p\.\s?\d+\)", text)
    assert len(lines) >= 10, "the paragraphs' panels are not one line each with page numbers"
    # numbered as on the web and in the paragraph's line; on the essay's page, its line says where they are
    assert re.search(r"\b1\.1 working on\] Textual note", text)
    assert re.search(r"notes 1\.1–1\.\d \(p\.\s?\d+\)", text), "the essay's page does not say where its notes are"
    assert re.search(r"working on 1\.1\.", text) and not re.search(r"working on \(p\.", text), "a lemma's call"
    essay = BeautifulSoup((built_site / "essay" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "quoted in Chapter" in essay.select_one(".xref-concordance").get_text()    # on the web it stands
    assert "quoted in Chapter" not in text, "the essay's concordance is printed beside its panel's line"


def test_epub_notes_are_footnotes_that_reading_apps_pop_up(editions):
    with zipfile.ZipFile(editions["epub"]) as archive:
        pages = [BeautifulSoup(archive.read(n), "xml") for n in archive.namelist() if n.endswith(".xhtml")]
    notes = yaml.safe_load((ROOT / "data" / "notes.yml").read_text(encoding="utf-8"))
    lemmas = [span for page in pages for span in page.select("span.lemma")]
    assert len(lemmas) >= len(notes), "a note's lemma is missing from the EPUB"
    for lemma in lemmas:        # the lemma's words stay in the essay's text, and a noteref follows them
        ref = lemma.find_next_sibling("a")
        assert ref is not None and ref.get("epub:type") == "noteref", lemma
    footnotes = " ".join(aside.get_text(" ") for page in pages for aside in page.find_all("aside")
                         if aside.get("epub:type") == "footnote")
    for note in notes:
        assert f"{note['lemma']}]".replace(" ", "") in footnotes.replace(" ", ""), f"no EPUB footnote: {note['lemma']!r}"
    assert not [a for page in pages for a in page.select("aside.essay-notes")]   # the web's list is gone


def test_the_editions_carry_no_active_content(editions, reader):
    """No script, event handler or javascript: URL in the EPUB; no JavaScript, launch or open action in the PDF."""
    with zipfile.ZipFile(editions["epub"]) as archive:
        for name in (n for n in archive.namelist() if n.endswith((".xhtml", ".html", ".svg"))):
            root = lxml.html.fromstring(archive.read(name))
            assert not root.xpath("//script"), f"{name}: a script"
            handlers = [attr for element in root.iter() if isinstance(element.tag, str)
                        for attr in element.attrib if attr.lower().startswith("on")]
            assert not handlers, f"{name}: event handlers {handlers}"
            urls = [v for element in root.iter() if isinstance(element.tag, str) for v in element.attrib.values()
                    if v.strip().lower().startswith(("javascript:", "vbscript:"))]
            assert not urls, f"{name}: script URLs {urls}"
    raw = editions["pdf"].read_bytes()
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/OpenAction", b"/SubmitForm"):
        assert action not in raw, f"the PDF holds {action.decode()}"
    assert "/AcroForm" not in reader.trailer["/Root"], "the PDF holds a form"
