"""Assemble the built site's pages into one document: the shared first step of the PDF and the EPUB.

Each page's `<article class="md-content__inner">` is read in navigation order and becomes one `<section>` whose id
is the page's anchor ("chapters-01-first-half"). Every id inside is prefixed with that anchor so ids stay unique
in one document, and every link between pages ("../02-middleman-trap/#para-4") is rewritten to the matching id
("#chapters-02-middleman-trap--para-4"). Links to pages outside the book point to the website.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from editions.common import BookInfo, EditionError, NavPage, book_info, book_pages

# Site chrome inside the article that means nothing on paper or in an e-book: (tag or "*", class or None).
CHROME = (("a", "headerlink"), ("a", "md-content__button"), ("*", "md-source-file"), ("form", None),
          ("button", None), ("script", None), ("noscript", None), ("nav", "md-tags"), ("input", None),
          ("details", "essay-cite"),   # "cite this paragraph": a web affordance that quotes the page's URL
          ("*", "web-only"))           # wording about the website itself (hovering, tooltips), marked in Markdown
SVG = "svg"


def select(root, tag: str = "*", cls: str | None = None) -> list:
    """Descendants by tag and class token (a tiny CSS selector: lxml's cssselect is not installed)."""
    if cls is None:
        return root.xpath(f".//{tag}")
    return root.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]")


@dataclass
class Chapter:
    page: NavPage
    title: str
    body: etree._Element                                # <section class="chapter" id=anchor>
    sections: list[tuple[int, str, str]] = field(default_factory=list)   # (level, document id, title) of h2/h3

    @property
    def anchor(self) -> str:
        return self.page.anchor


@dataclass
class Book:
    info: BookInfo
    chapters: list[Chapter]
    site_dir: Path

    def html_fragments(self) -> list[str]:
        return [lxml.html.tostring(chapter.body, encoding="unicode") for chapter in self.chapters]


def in_svg(element) -> bool:
    return any(ancestor.tag == SVG for ancestor in element.iterancestors())


def heading_text(heading) -> str:
    return " ".join(heading.text_content().replace("¶", " ").replace("§", " ").split())


def read_article(site_dir: Path, page: NavPage):
    path = site_dir / page.html_path
    if not path.is_file():
        raise EditionError(f"{path}: missing from the built site, but mkdocs.yml's nav lists {page.src}; "
                           "rebuild the site or fix the nav.")
    tree = lxml.html.parse(str(path))
    articles = select(tree.getroot(), "article", "md-content__inner")
    if not articles:
        raise EditionError(f"{path}: no <article class=\"md-content__inner\"> (has the theme changed?); the "
                           "editions read each page's article from Material's template.")
    return articles[0]


def strip_chrome(article) -> None:
    for tag, cls in CHROME:
        for element in select(article, tag, cls):
            if not in_svg(element):
                element.drop_tree()
    panels_in_one_line(article)


def panels_in_one_line(article) -> None:
    """A paragraph's panel (a <details> on the web) is its one line on paper and in an e-book: "Discussed in
    Chapter 2 · notes 4.1–4.3". On the essay's page it replaces the concordance ("quoted in Chapter 2; discussed
    in …"), which says the same in a line of its own."""
    for panel in select(article, "details", "essay-panel"):
        line = next(iter(select(panel, "p", "panel-print")), None)
        if line is not None and (line.text or len(line)):
            for concordance in panel.itersiblings("p", preceding=True):
                if "xref-concordance" in (concordance.get("class") or "").split():
                    concordance.drop_tree()
            panel.addprevious(line)
        panel.drop_tree()


def is_dark_copy(svg, figure) -> bool:
    """Whether an SVG (or the wrapper it sits in, up to its figure) is marked as the dark-palette copy."""
    element = svg
    while element is not None and element is not figure:
        marks = " ".join([element.get("class", ""), element.get("data-theme", ""),
                          element.get("data-md-color-scheme", ""), element.get("data-scheme", "")]).lower()
        if "dark" in marks or "slate" in marks:
            return True
        element = element.getparent()
    return False


def keep_light_diagrams(article) -> None:
    """Print and e-books use the light palette: drop the dark copy of each diagram."""
    for figure in select(article, "figure", "diagram"):
        svgs = [svg for svg in figure.iter(SVG) if not in_svg(svg)]
        dark = [svg for svg in svgs if is_dark_copy(svg, figure)]
        if not dark and len(svgs) > 1:
            dark = svgs[1:]          # unmarked copies: the diagrams module renders light first
        for svg in dark:
            wrapper = svg
            # drop the wrapper too if it holds nothing but this SVG
            while wrapper.getparent() is not figure and len(wrapper.getparent()) == 1:
                wrapper = wrapper.getparent()
            wrapper.drop_tree()


def collect_ids(article) -> set[str]:
    return {element.get("id") for element in article.iter()
            if element.get("id") and element.tag != SVG and not in_svg(element)}


def page_key(path: str) -> str:
    """Normalise a site-relative path so a page is found however it is linked: "" for the home page."""
    path = posixpath.normpath(path) if path else ""
    if path in (".", ""):
        return ""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path.strip("/")


class LinkMap:
    """Where each site page went in the single document."""

    def __init__(self, pages: list[NavPage], ids: dict[str, set[str]], site_url: str, site_dir: Path):
        self.by_key = {page_key(page.url): page for page in pages}
        self.ids = ids
        self.site_url = site_url.rstrip("/") + "/"
        self.site_dir = site_dir

    def resolve(self, href: str, page: NavPage) -> str | None:
        """The new href for a link on `page`, or None if the link should become plain text."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return href
        if not parts.path:
            target, fragment = page, parts.fragment
        else:
            joined = posixpath.join(page.url, unquote(parts.path))
            key = page_key(joined)
            target, fragment = self.by_key.get(key), parts.fragment
            if target is None:
                return self.website_url(joined, parts.fragment)
        fragment = unquote(fragment)
        if fragment and fragment in self.ids[target.anchor]:
            return f"#{target.anchor}--{fragment}"
        return f"#{target.anchor}"

    def website_url(self, site_path: str, fragment: str) -> str | None:
        """A link to a site page or file outside the book: its address on the published website."""
        normal = posixpath.normpath(site_path).lstrip("/")
        if normal.startswith(".."):
            return None
        exists = (self.site_dir / normal).exists()
        if not exists or not self.site_url.startswith("http"):
            return None
        trailing = "/" if (self.site_dir / normal).is_dir() else ""
        return self.site_url + normal + trailing + (f"#{fragment}" if fragment else "")

    def file_url(self, src: str, page: NavPage) -> str | None:
        """Images and other embedded files: an absolute file: URL into the built site."""
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            return src if parts.scheme == "data" else None
        path = (self.site_dir / posixpath.normpath(posixpath.join(page.url, unquote(parts.path)))).resolve()
        return path.as_uri() if path.is_file() else None


def prefix_ids(article, anchor: str, own_ids: set[str]) -> None:
    for element in article.iter():
        if element.tag == SVG or in_svg(element):   # SVG ids are the diagram module's, already unique
            continue
        if element.get("id"):
            element.set("id", f"{anchor}--{element.get('id')}")
        for attr in ("aria-labelledby", "aria-describedby", "aria-controls", "for", "headers"):
            value = element.get(attr)
            if value:
                element.set(attr, " ".join(f"{anchor}--{ref}" if ref in own_ids else ref for ref in value.split()))


def retarget_links(article, page: NavPage, links: LinkMap) -> None:
    for link in list(article.iter("a")):
        href = link.get("href")
        if href is None or in_svg(link):
            continue
        new = links.resolve(href, page)
        if new is None:
            link.drop_tag()
        else:
            link.set("href", new)
    for image in list(article.iter("img")):
        src = links.file_url(image.get("src", ""), page)
        if src is None:
            raise EditionError(f"{page.src}: image {image.get('src')!r} is neither in the built site nor a data: "
                               "URL; the editions embed only local files. Put the image under docs/.")
        image.set("src", src)
        image.attrib.pop("srcset", None)


def sections_of(article) -> list[tuple[int, str, str]]:
    return [(int(h.tag[1]), h.get("id"), heading_text(h)) for h in article.iter("h2", "h3") if h.get("id")]


def to_section(article, page: NavPage, title: str):
    section = lxml.html.Element("section")
    section.set("class", f"chapter page-{page.anchor}")
    section.set("id", page.anchor)
    section.set("data-title", title)
    section.text = article.text
    for child in list(article):
        section.append(child)
    return section


def assemble(site_dir: Path, config: dict, version: str | None = None) -> Book:
    pages = book_pages(config)
    articles = {}
    for page in pages:
        article = read_article(site_dir, page)
        strip_chrome(article)
        keep_light_diagrams(article)
        articles[page.anchor] = article
    ids = {anchor: collect_ids(article) for anchor, article in articles.items()}
    info = book_info(config, version)
    links = LinkMap(pages, ids, info.site_url, site_dir)
    chapters = []
    for page in pages:
        article = articles[page.anchor]
        h1 = article.find(".//h1")
        title = heading_text(h1) if h1 is not None else (page.title or page.anchor)
        retarget_links(article, page, links)
        prefix_ids(article, page.anchor, ids[page.anchor])
        chapter = Chapter(page, title, to_section(article, page, title))
        chapter.sections = sections_of(chapter.body)
        chapters.append(chapter)
    name_home_links(chapters)
    return Book(info, chapters, site_dir)


def name_home_links(chapters: list[Chapter]) -> None:
    """Links to the home page labelled with the website's name for it ("Home", "discussed in Home") name the page
    by its title: a book has no home page."""
    home = next((chapter for chapter in chapters if chapter.page.url == ""), None)
    if home is None or not home.page.title:
        return
    label = re.compile(rf"\b{re.escape(home.page.title)}\b")
    for chapter in chapters:
        for link in chapter.body.iter("a"):
            href = link.get("href") or ""
            if href == f"#{home.anchor}" or href.startswith(f"#{home.anchor}--"):
                if link.text:
                    link.text = label.sub(home.title, link.text)
                for child in link:
                    if child.tail:
                        child.tail = label.sub(home.title, child.tail)
