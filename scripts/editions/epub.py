"""The EPUB 3 edition: the assembled book, simplified for pandoc (from pypandoc-binary), with metadata.

Pandoc splits the book into one file per `<h1>` and fixes the links between them, but it keeps only what its
document model holds. So sections are unwrapped (links to them go to the page's heading); ids on elements without
attributes in pandoc (`<blockquote>`, `<p>`, `<sup>`, ...) move to a wrapping `<div>` or an empty `<span>`; and
each diagram becomes a separate SVG file shown with `<img>`, its alt text taken from the SVG's title.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pypandoc
from lxml import etree
import tinyhtml5

from editions.assemble import SVG, Book, Chapter, in_svg, select
from editions.common import BASENAME, HERE, EditionError

SVG_NS = "http://www.w3.org/2000/svg"
XMLNS_ATTR = "{http://www.w3.org/2000/xmlns/}"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def svg_file(svg) -> str:
    """A standalone SVG document: the HTML5 parser restores the case of names (viewBox, clipPath) that lxml's
    HTML parser lowercased, and ElementTree writes well-formed XML with namespaces."""
    markup = lxml.html.tostring(svg, encoding="unicode")
    parsed = tinyhtml5.parse(f"<!DOCTYPE html><body>{markup}</body>").find(f".//{{{SVG_NS}}}svg")
    for element in parsed.iter():     # namespace declarations come back as attributes: ElementTree writes its own
        for name in [name for name in element.attrib if name.startswith(XMLNS_ATTR)]:
            del element.attrib[name]
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(parsed, encoding="unicode")


def svgs_to_images(root, folder: Path) -> None:
    """Pandoc re-serialises inline SVG with lowercased attribute names, which epubcheck rejects; an <img> of a
    separate SVG file goes into the EPUB as it is."""
    for number, svg in enumerate([svg for svg in root.iter(SVG) if not in_svg(svg)], start=1):
        name = f"figure-{number}.svg"
        (folder / name).write_text(svg_file(svg), encoding="utf-8")
        title = svg.find("title")
        alt = " ".join((title.text_content() if title is not None else svg.get("aria-label", "")).split())
        image = lxml.html.Element("img", src=name, alt=alt or "Diagram")
        image.tail = svg.tail
        svg.getparent().replace(svg, image)


def unwrap_section(chapter: Chapter, retarget: dict[str, str]) -> None:
    """The page's section goes; links to it go to its first heading instead."""
    h1 = chapter.body.find(".//h1")
    if h1 is not None:
        if not h1.get("id"):
            h1.set("id", chapter.anchor)
        retarget[f"#{chapter.anchor}"] = f"#{h1.get('id')}"


# Pandoc's document model has no attributes on these elements: their ids would be lost with the links to them.
WRAP_IN_DIV = {"blockquote", "ul", "ol", "dl", "table", "pre"}
ANCHOR_INSIDE = {"p", "li", "dt", "dd", "td", "th", "sup", "sub", "em", "strong", "cite", "ins", "del", "q"}


def keep_ids(root) -> None:
    """Move each id that pandoc would drop onto a wrapping <div> or an empty <span> at the element's start."""
    for element in list(root.iter(*WRAP_IN_DIV, *ANCHOR_INSIDE)):
        ident = element.get("id")
        if ident is None or in_svg(element):
            continue
        del element.attrib["id"]
        if element.tag in WRAP_IN_DIV:
            wrapper = lxml.html.Element("div", id=ident)
            element.addprevious(wrapper)
            wrapper.append(element)      # moves the element (its tail stays with it: move it to the wrapper)
            wrapper.tail, element.tail = element.tail, None
        else:
            anchor = lxml.html.Element("span", id=ident)
            anchor.tail, element.text = element.text, None
            element.insert(0, anchor)


def note_aside(note):
    """A list item's content as an EPUB 3 note, which pandoc (with epub_html_exts) keeps and apps pop up."""
    aside = lxml.html.Element("aside", id=note.get("id"))
    aside.set("epub:type", "footnote")
    aside.text = note.text
    aside.extend(list(note))
    return aside


def footnotes_for_readers(root) -> None:
    """Python-Markdown's footnotes (a numbered list at the page's end) as EPUB 3 notes: a noteref link and an
    <aside epub:type="footnote">, which pandoc (with epub_html_exts) keeps as notes and reading apps pop up."""
    notes = {li.get("id"): li for block in select(root, "div", "footnote") for li in block.xpath(".//li[@id]")}
    for ref in select(root, "a", "footnote-ref"):
        note = notes.pop(ref.get("href", "").lstrip("#"), None)
        if note is None:
            continue
        for backref in select(note, "a", "footnote-backref"):
            backref.drop_tree()
        aside = note_aside(note)
        ref.set("epub:type", "noteref")
        sup = ref.getparent()
        if sup.tag == "sup":                 # pandoc numbers the note itself; the <sup> would nest a second one
            sup.drop_tag()
        paragraph = next(ref.iterancestors("p", "li", "dd", "td", "blockquote"), None)
        (paragraph if paragraph is not None else ref).addnext(aside)
    for block in select(root, "div", "footnote"):
        block.drop_tree()


def notes_for_readers(root) -> None:
    """The apparatus notes as EPUB 3 notes: after each lemma a noteref, the note an <aside epub:type="footnote">
    after its paragraph (the list beside the paragraph on the web goes). The lemma itself stays text: pandoc puts
    its own number in place of a noteref's content."""
    notes = {li.get("id"): li for aside in select(root, "aside", "essay-notes") for li in aside.iter("li")}
    for lemma in select(root, "a", "lemma"):
        note = notes.pop(lemma.get("href", "").lstrip("#"), None)
        if note is None:
            continue
        for mark in select(lemma, "sup", "lemma-mark"):
            mark.drop_tree()
        for number in select(note, "a", "note-number"):
            number.drop_tree()
        aside = note_aside(note)
        ref = lxml.html.Element("a", href=lemma.get("href"))
        ref.set("epub:type", "noteref")
        ref.text = "*"
        ref.tail, lemma.tail = lemma.tail, None
        lemma.addnext(ref)
        lemma.tag = "span"
        for name in ("href", "id", "aria-describedby"):
            lemma.attrib.pop(name, None)
        paragraph = next(lemma.iterancestors("p", "li", "blockquote"), None)
        (paragraph if paragraph is not None else lemma).addnext(aside)
    for aside in select(root, "aside", "essay-notes"):
        aside.drop_tree()
    note_ids = {aside.get("id") for aside in root.iter("aside") if aside.get("epub:type") == "footnote"}
    for link in list(root.iter("a")):   # "notes 1.1–1.4" in a paragraph's line: pandoc renames the notes it links to
        if link.get("epub:type") != "noteref" and (link.get("href") or "")[1:] in note_ids:
            link.drop_tag()


def classes_kept(root) -> None:
    """Pandoc keeps classes on <div> only: a classed quotation (the essay's paragraphs) is wrapped in a <div>
    with its classes, so epub.css can set it apart as on the site."""
    for quote in list(root.iter("blockquote")):
        if quote.get("class") and not in_svg(quote):
            wrapper = lxml.html.Element("div")
            wrapper.set("class", quote.get("class"))
            if quote.get("id"):                  # the id too, which pandoc would drop from the <blockquote>
                wrapper.set("id", quote.attrib.pop("id"))
            quote.addprevious(wrapper)
            wrapper.append(quote)
            wrapper.tail, quote.tail = quote.tail, None


def simplified_html(book: Book, folder: Path) -> str:
    """The book as one HTML page for pandoc; diagrams are written as SVG files into `folder`."""
    retarget: dict[str, str] = {}
    body = lxml.html.Element("body")
    for chapter in book.chapters:
        unwrap_section(chapter, retarget)
        footnotes_for_readers(chapter.body)
        notes_for_readers(chapter.body)
        classes_kept(chapter.body)
        keep_ids(chapter.body)
        body.extend(list(chapter.body))
    svgs_to_images(body, folder)
    for link in body.iter("a"):
        href = link.get("href", "")
        if href in retarget:
            link.set("href", retarget[href])
    html = lxml.html.Element("html", lang=book.info.language)
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "title").text = book.info.title
    html.append(body)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(html, encoding="unicode")


def metadata_args(book: Book) -> list[str]:
    info = book.info
    pairs = {
        "title": info.title, "subtitle": f"{info.subtitle}. Edition {info.version}", "lang": info.language,
        "date": info.date, "description": f"{info.description} {info.provenance}",
        "identifier": f"urn:{BASENAME}:edition:{re.sub(r'[^A-Za-z0-9.]+', '-', info.version).strip('-')}",
        "rights": "Essay text quoted for criticism and commentary; commentary, glossary and diagrams: CC BY 4.0.",
        "publisher": "The editors of the handbook",
    }
    args = []
    for key, value in pairs.items():
        args += ["--metadata", f"{key}={value}"]
    return args


def build_epub(book: Book, out_dir: Path) -> Path:
    out = out_dir / f"{BASENAME}.epub"
    with tempfile.TemporaryDirectory(prefix="epub-") as tmp:
        source = Path(tmp) / "book.html"
        source.write_text(simplified_html(book, Path(tmp)), encoding="utf-8")
        cover = write_cover(book, Path(tmp) / "cover.png")
        # epub_html_exts: pandoc reads epub:type noteref/footnote as notes (footnotes_for_readers)
        command = [pypandoc.get_pandoc_path(), str(source), "--from", "html+epub_html_exts", "--to", "epub3",
                   "--output", str(out), "--split-level", "1", "--toc", "--toc-depth", "2",
                   "--css", str(HERE / "epub.css"), "--epub-cover-image", str(cover), *metadata_args(book)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp, timeout=120)
    if result.returncode != 0:
        raise EditionError(f"pandoc could not make the EPUB (exit {result.returncode}):\n{result.stderr}")
    return out


def epubcheck_command() -> list[str]:
    """Debian's `epubcheck` is a link to a jar that only runs where the kernel knows jars: call java ourselves."""
    found = shutil.which("epubcheck")
    if found is None:
        raise EditionError("epubcheck is missing; run scripts/bootstrap.sh all (Debian package epubcheck).")
    real = os.path.realpath(found)
    return ["java", "-jar", real] if real.endswith(".jar") else [found]


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    """Run epubcheck; returncode 0 and no ERROR/FATAL lines means the EPUB is valid."""
    return subprocess.run([*epubcheck_command(), "--quiet", str(path)], capture_output=True, text=True, timeout=300)


# --- the cover: the print cover's design (print.css .cover) as an image, since EPUB covers are pictures ------

COVER_SIZE = (1600, 2400)            # 2:3, the proportion reading apps and shops expect
COVER_BLUE, COVER_WHITE, COVER_PALE = "#1a237e", "#ffffff", "#c5cae9"


def font_file(pattern: str) -> str:
    """The font file that fontconfig picks for `pattern` (the Debian fonts the PDF uses too)."""
    result = subprocess.run(["fc-match", "--format=%{file}", pattern], capture_output=True, text=True, timeout=30)
    if result.returncode != 0 or not result.stdout:
        raise EditionError(f"fontconfig finds no font for {pattern!r}: install fonts-dejavu (Debian)")
    return result.stdout


def wrapped(draw, text: str, font, width: int) -> list[str]:
    """`text` broken into lines no wider than `width` pixels in `font`."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def write_cover(book: Book, path: Path) -> Path:
    """A PNG cover with the title, subtitle and the edition's version."""
    from PIL import Image, ImageDraw, ImageFont   # Pillow: already installed for WeasyPrint

    image = Image.new("RGB", COVER_SIZE, COVER_BLUE)
    draw = ImageDraw.Draw(image)
    margin, y = 140, 520
    blocks = [(book.info.title, ImageFont.truetype(font_file("DejaVu Sans:bold"), 128), COVER_WHITE, 90),
              (book.info.subtitle, ImageFont.truetype(font_file("DejaVu Serif"), 72), COVER_PALE, 260),
              (f"Edition {book.info.version}", ImageFont.truetype(font_file("DejaVu Sans:bold"), 60), COVER_WHITE, 40),
              (book.info.date, ImageFont.truetype(font_file("DejaVu Sans"), 48), COVER_PALE, 0)]
    for text, font, colour, space_after in blocks:
        for line in wrapped(draw, text, font, COVER_SIZE[0] - 2 * margin):
            draw.text((margin, y), line, font=font, fill=colour)
            y += int(font.size * 1.2)
        y += space_after
    image.save(path, "PNG")
    return path
