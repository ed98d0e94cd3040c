"""The EPUB 3 edition: the assembled book, simplified for pandoc (from pypandoc-binary), with metadata.

Pandoc splits the book into one file per `<h1>` and fixes links between them, but it keeps only what its
document model holds: sections are unwrapped (their ids move to the page's heading), ids on `<sup>` move to the
link inside, and inline SVG passes through as raw XHTML, so its tag and attribute names get their SVG case back.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
import pypandoc
from lxml import etree
from tinyhtml5.constants import adjust_svg_attributes

from editions.assemble import SVG, Book, Chapter, select
from editions.common import BASENAME, HERE, EditionError

# SVG element names that HTML parsers lowercase (the HTML standard's list of SVG tag adjustments, abridged
# to what diagram renderers emit).
SVG_TAGS = {name.lower(): name for name in (
    "clipPath", "linearGradient", "radialGradient", "foreignObject", "textPath", "feBlend", "feColorMatrix",
    "feComposite", "feFlood", "feGaussianBlur", "feMerge", "feMergeNode", "feOffset", "feDropShadow",
    "feMorphology", "feTurbulence", "feDisplacementMap", "fePointLight", "feSpecularLighting", "feTile",
    "feComponentTransfer", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feConvolveMatrix", "feImage",
    "feDiffuseLighting", "feDistantLight", "feSpotLight", "animateMotion", "animateTransform", "glyphRef")}


def restore_svg_case(root) -> None:
    for svg in root.iter(SVG):
        for element in svg.iter():
            if not isinstance(element.tag, str):
                continue
            element.tag = SVG_TAGS.get(element.tag, element.tag)
            for name in list(element.attrib):
                proper = adjust_svg_attributes.get(name)
                if proper and proper != name:
                    element.set(proper, element.attrib.pop(name))
        svg.set("xmlns", "http://www.w3.org/2000/svg")


def unwrap_section(chapter: Chapter, retarget: dict[str, str]) -> None:
    """The page's section goes; links to it go to its first heading instead."""
    h1 = chapter.body.find(".//h1")
    if h1 is not None:
        if not h1.get("id"):
            h1.set("id", chapter.anchor)
        retarget[f"#{chapter.anchor}"] = f"#{h1.get('id')}"


def ids_off_sup(root) -> None:
    for sup in root.iter("sup"):
        ident = sup.attrib.pop("id", None)
        if ident is None:
            continue
        inner = sup.find("a")
        if inner is not None and not inner.get("id"):
            inner.set("id", ident)
        else:
            span = lxml.html.Element("span", id=ident)
            sup.addprevious(span)


def simplified_html(book: Book) -> str:
    retarget: dict[str, str] = {}
    body = lxml.html.Element("body")
    for chapter in book.chapters:
        unwrap_section(chapter, retarget)
        ids_off_sup(chapter.body)
        restore_svg_case(chapter.body)
        body.extend(list(chapter.body))
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
        "title": info.title, "subtitle": info.subtitle, "lang": info.language, "date": info.date,
        "description": f"{info.description} {info.provenance}", "identifier": f"{info.site_url}#edition-{info.version}",
        "rights": "Essay text quoted for criticism and commentary; commentary, glossary and diagrams: CC BY 4.0.",
        "publisher": "The editors of the handbook", "version": info.version,
    }
    args = []
    for key, value in pairs.items():
        args += ["--metadata", f"{key}={value}"]
    return args


def build_epub(book: Book, out_dir: Path) -> Path:
    out = out_dir / f"{BASENAME}.epub"
    html = simplified_html(book)
    with tempfile.TemporaryDirectory(prefix="epub-") as tmp:
        source = Path(tmp) / "book.html"
        source.write_text(html, encoding="utf-8")
        command = [pypandoc.get_pandoc_path(), str(source), "--from", "html", "--to", "epub3", "--output", str(out),
                   "--split-level", "1", "--toc", "--toc-depth", "2", "--css", str(HERE / "epub.css"),
                   *metadata_args(book)]
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
