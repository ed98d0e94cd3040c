"""Content rules: what contributors write in Markdown must not run code or load anything from another host.

Pure functions: `check_markdown(text, path)` returns the problems of one Markdown file with file:line:column
and what to do (code is masked out first: core/markdown_syntax.py).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from ..core.markdown_syntax import mask_markdown
from ..core.problems import Problem, line_column
from ..core.urls import is_external, is_javascript_url
from . import allowlist
from .allowlist import attribute_allowed


def _problem(path: str, line: int, column: int, kind: tuple[str, str], **details) -> Problem:
    """A problem of `kind` (message template, what to do) at a place."""
    fix = kind[1][:1].upper() + kind[1][1:]
    return Problem(path, line, column, kind[0].format(**details), hint=fix if fix.endswith(".") else fix + ".")


# --- what is not allowed, and what to do instead ------------------------------------------------------------

SCRIPT = ("raw <script> element", "remove it: content may not run scripts; describe the behaviour in prose")
EMBED = ("embedded <{tag}> element", "remove it: link to the resource with a normal Markdown link instead")
HANDLER = ("inline event handler {name}=", "remove the attribute: content may not run scripts")
JS_URL = ("javascript: URL {url!r}", "link to a page or a https:// address instead")
EXTERNAL = ("external resource {url!r} in <{tag}>",
            "copy the file into docs/assets/ and refer to it by a relative path, or link to it instead")
EXTERNAL_IMAGE = ("external image {url!r}",
                  "copy the image into docs/assets/ and refer to it by a relative path, or link to it instead")
MERMAID = ("Mermaid diagram", "the site renders no Mermaid: write the diagram as a ```d2 fence, see contributing.md")

EMBED_TAGS = {"iframe", "object", "embed", "frame", "frameset", "applet"}
# Attributes whose URL a browser fetches on its own (links, `href` on <a>, are fine).
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "imagesrcset"}
HREF_RESOURCE_TAGS = {"link", "image", "use", "feimage", "script"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
def srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]



def is_mermaid(info: str) -> bool:
    words = re.split(r"[\s{}]+", info.lower())
    return any(word in ("mermaid", ".mermaid") for word in words if word)


# --- raw HTML -------------------------------------------------------------------------------------------------

class RawHtmlChecker(HTMLParser):
    """Reports forbidden tags and attributes with the position of the offending tag or attribute."""

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems: list[Problem] = []
        self.in_style = False
        self.in_svg = False

    def report(self, line: int, column: int, kind: tuple[str, str], **details) -> None:
        self.problems.append(_problem(self.path, line, column, kind, **details))

    def where(self, needle: str | None = None) -> tuple[int, int]:
        """1-based line and column of the current tag, or of `needle` inside the tag's text."""
        line, column = self.getpos()
        offset = 0
        tag_text = self.get_starttag_text() or ""
        if needle:
            found = tag_text.lower().find(needle.lower())
            offset = max(found, 0)
        before = tag_text[:offset]
        if "\n" in before:
            return line + before.count("\n"), len(before) - before.rfind("\n")
        return line, column + offset + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.where()
        self.in_svg = self.in_svg or tag == "svg"
        if tag == "script":
            self.report(line, column, SCRIPT)
        elif tag in EMBED_TAGS:
            self.report(line, column, EMBED, tag=tag)
        elif not (tag in allowlist.SVG_ELEMENTS_LOWER if self.in_svg else allowlist.element_allowed(tag)):
            self.report(line, column, allowlist.ELEMENT, tag=tag)
        self.in_style = tag == "style"
        if "mermaid" in (dict(attrs).get("class") or "").split():
            self.report(line, column, MERMAID)
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.report(*self.where(name), HANDLER, name=name)
        elif not self.in_svg and not attribute_allowed(tag, name):
            self.report(*self.where(name), allowlist.ATTRIBUTE, tag=tag, name=name)
        if is_javascript_url(value):
            self.report(*self.where(name), JS_URL, url=value.strip())
        elif name in allowlist.URL_ATTRIBUTES and not allowlist.scheme_allowed(value):
            self.report(*self.where(name), allowlist.SCHEME, scheme=allowlist.url_scheme(value), name=name)
        urls: list[str] = []
        if name in RESOURCE_ATTRIBUTES:
            urls = srcset_urls(value) if name.endswith("srcset") else [value]
        elif name in ("href", "xlink:href") and tag in HREF_RESOURCE_TAGS:
            urls = [value]
        elif name == "style":
            urls = CSS_URL.findall(value)
        for url in urls:
            if is_external(url):
                self.report(*self.where(name), EXTERNAL, url=url.strip(), tag=tag)

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False
        self.in_svg = self.in_svg and tag != "svg"

    def handle_data(self, data: str) -> None:
        if self.in_style:
            for url in CSS_URL.findall(data):
                line, column = self.getpos()
                self.report(line, column + 1, EXTERNAL, url=url, tag="style")


# --- Markdown links, images and attribute lists ----------------------------------------------------------------

# Starts with "[" (an image's "!" is looked up before it): a pattern that starts with a literal is searched fast.
INLINE_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<url>(?:[^()\s>]|\([^()\s]*\))*)")
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<id>[^\]\n]+)\]:[ \t]*<?(?P<url>\S+?)>?(?:\s|$)", re.MULTILINE)
REFERENCE_IMAGE = re.compile(r"!\[(?P<text>[^\]\n]*)\](?:\[(?P<id>[^\]\n]*)\])?(?![(\[])")
ATTRIBUTE_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*=[^{}\n]*)\}")
ATTRIBUTE = re.compile(r"(?<![\w-])(?P<name>[\w:-]+)\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s}]+)")


def check_markdown_syntax(text: str, path: str) -> list[Problem]:
    problems: list[Problem] = []

    def report(offset: int, kind: tuple[str, str], **details) -> None:
        problems.append(_problem(path, *line_column(text, offset), kind, **details))

    definitions = {}
    if "]:" in text:    # most pages have no reference definitions: skip a scan of every line
        for match in REFERENCE_DEFINITION.finditer(text):
            definitions[match["id"].strip().lower()] = match["url"]
            if is_javascript_url(match["url"]):
                report(match.start("url"), JS_URL, url=match["url"])
    for match in INLINE_LINK.finditer(text):
        url = match["url"]
        image = match.start() > 0 and text[match.start() - 1] == "!"
        if is_javascript_url(url):
            report(match.start("url"), JS_URL, url=url)
        elif image and is_external(url):
            report(match.start() - 1, EXTERNAL_IMAGE, url=url)
    for match in REFERENCE_IMAGE.finditer(text):
        url = definitions.get((match["id"] or match["text"]).strip().lower(), "")
        if is_external(url):
            report(match.start(), EXTERNAL_IMAGE, url=url)
    for match in ATTRIBUTE_LIST.finditer(text):
        for attribute in ATTRIBUTE.finditer(match["body"]):
            name, value = attribute["name"].lower(), attribute["value"].strip("\"'")
            offset = match.start("body") + attribute.start()
            if name.startswith("on"):
                report(offset, HANDLER, name=name)
            elif is_javascript_url(value):
                report(offset, JS_URL, url=value)
            elif name in RESOURCE_ATTRIBUTES and is_external(value):
                report(offset, EXTERNAL_IMAGE, url=value)
    return problems


# --- the whole check ---------------------------------------------------------------------------------------------

def check_markdown(text: str, path: str) -> list[Problem]:
    """Every security problem of one Markdown file (front matter included), sorted by position."""
    return check_masked(*mask_markdown(text), path)


def check_masked(masked: str, fences: list[tuple[int, int, str]], path: str) -> list[Problem]:
    """check_markdown on text that mask_markdown has already masked (to mask a page once for several checks)."""
    problems = [_problem(path, line, column, MERMAID) for line, column, info in fences if is_mermaid(info)]
    checker = RawHtmlChecker(path)
    checker.feed(masked)
    checker.close()
    problems += checker.problems
    problems += check_markdown_syntax(masked, path)
    return sorted(set(problems))
