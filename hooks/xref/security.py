"""Content security: what contributors write in Markdown must not run code or load anything from another host.

Pure functions, no MkDocs: `check_markdown(text, path)` returns the problems of one Markdown file with
file:line:column and what to do; `apply_csp(html)` fills in the page's Content-Security-Policy with
the hashes of the theme's own inline scripts.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.problem} ({self.fix})"


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
EXTERNAL_URL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
# Browsers drop ASCII whitespace and control characters in URLs: "java\tscript:" is still javascript:.
URL_NOISE = re.compile(r"[\x00-\x20]+")


def is_javascript_url(value: str) -> bool:
    return URL_NOISE.sub("", value).lower().startswith(("javascript:", "vbscript:"))


def is_external(url: str) -> bool:
    return bool(EXTERNAL_URL.match(url))


def srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]


# --- code is text, not HTML: blank it out, keeping every line and column in place ----------------------------

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# Lines after which an indented block is content (lists, admonitions, details, definitions), not code.
CONTAINER_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|!!!|\?\?\?|:\s|:::)")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)


def blank(text: str) -> str:
    """`text` with every character but line breaks replaced by a space."""
    return re.sub(r"[^\n]", " ", text)


def mask_code(lines: list[str]) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Blank fenced and indented code blocks. Returns the masked lines and each fence's (line, column, info)."""
    masked: list[str] = []
    fences: list[tuple[int, int, str]] = []
    fence: str | None = None
    in_container = previous_blank = False
    in_indented_code = False
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip().lstrip(">").strip()) == {fence[0]}:
                fence = None
            masked.append(blank(line))
            continue
        opening = FENCE_OPEN.match(line)
        if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            fence = opening["fence"]
            fences.append((number, len(opening["indent"]) + 1, opening["info"].strip()))
            masked.append(blank(line))
            continue
        indented = line.startswith(("    ", "\t")) and line.strip() != ""
        if indented and (in_indented_code or (previous_blank and not in_container)):
            in_indented_code = True
            masked.append(blank(line))
            continue
        if line.strip():
            in_indented_code = False
            if not indented:
                in_container = bool(CONTAINER_LINE.match(line))
        previous_blank = not line.strip()
        masked.append(line)
    return masked, fences


BACKTICK_RUN = re.compile(r"`+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def mask_inline_code(text: str) -> str:
    """Blank out code spans: what INLINE_CODE matches, found from the runs of backticks alone (the pattern starts
    with a look-behind, so a regex search would try it at every position of the page)."""
    if "`" not in text:
        return text
    runs = [match.span() for match in BACKTICK_RUN.finditer(text)]
    pieces, done, k = [], 0, 0
    while k < len(runs):
        start, end = runs[k]
        # A span closes at the next run of the same length, if no blank line comes first.
        close = next((j for j in range(k + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start), None)
        if close is None or BLANK_LINE.search(text, end, runs[close][0]):
            k += 1
            continue
        pieces += [text[done:start], blank(text[start:runs[close][1]])]
        done, k = runs[close][1], close + 1
    return "".join(pieces) + text[done:]


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

    def report(self, line: int, column: int, kind: tuple[str, str], **details) -> None:
        self.problems.append(Problem(self.path, line, column, kind[0].format(**details), kind[1]))

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
        if tag == "script":
            self.report(line, column, SCRIPT)
        elif tag in EMBED_TAGS:
            self.report(line, column, EMBED, tag=tag)
        self.in_style = tag == "style"
        if "mermaid" in (dict(attrs).get("class") or "").split():
            self.report(line, column, MERMAID)
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.report(*self.where(name), HANDLER, name=name)
        if is_javascript_url(value):
            self.report(*self.where(name), JS_URL, url=value.strip())
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


def position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_markdown_syntax(text: str, path: str) -> list[Problem]:
    problems: list[Problem] = []

    def report(offset: int, kind: tuple[str, str], **details) -> None:
        problems.append(Problem(path, *position(text, offset), kind[0].format(**details), kind[1]))

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

def may_hold_code_blocks(text: str) -> bool:
    """False when `text` has no fence and no indented line, so that no line can be in a code block."""
    return any(mark in text for mark in ("```", "~~~", "\n    ", "\n\t")) or text.startswith(("    ", "\t"))


def mask_markdown(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with code blanked out (positions kept), and each fence's (line, column, info)."""
    if not may_hold_code_blocks(text):
        return mask_inline_code(text), []
    masked_lines, fences = mask_code(text.split("\n"))
    return mask_inline_code("\n".join(masked_lines)), fences


def check_markdown(text: str, path: str) -> list[Problem]:
    """Every security problem of one Markdown file (front matter included), sorted by position."""
    return check_masked(*mask_markdown(text), path)


def check_masked(masked: str, fences: list[tuple[int, int, str]], path: str) -> list[Problem]:
    """check_markdown on text that mask_markdown has already masked (to mask a page once for several checks)."""
    problems = [Problem(path, line, column, *MERMAID) for line, column, info in fences if is_mermaid(info)]
    checker = RawHtmlChecker(path)
    checker.feed(masked)
    checker.close()
    problems += checker.problems
    problems += check_markdown_syntax(masked, path)
    return sorted(set(problems))


def format_problems(problems: list[Problem]) -> str:
    return "\n".join(map(str, problems))


# --- Content-Security-Policy with hashes of the theme's inline scripts ---------------------------------------

CSP_PLACEHOLDER = "'inline-script-hashes'"


class InlineScripts(HTMLParser):
    """Collects the exact text of every inline script a browser would run (JSON data blocks are not run)."""

    EXECUTABLE_TYPES = {"", "text/javascript", "module", "application/javascript"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and \
                (attributes.get("type") or "").strip().lower() in self.EXECUTABLE_TYPES:
            self.current = []

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.current is not None:
            self.scripts.append("".join(self.current))
            self.current = None


def script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') for each distinct inline script of `html`, in page order."""
    parser = InlineScripts()
    parser.feed(html)
    parser.close()
    hashes = []
    for script in parser.scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        if f"'sha256-{digest}'" not in hashes:
            hashes.append(f"'sha256-{digest}'")
    return hashes


def apply_csp(html: str) -> str:
    """Replace the placeholder in the page's CSP meta element by the hashes of the page's inline scripts."""
    if CSP_PLACEHOLDER not in html:
        return html
    return html.replace(CSP_PLACEHOLDER, " ".join(script_hashes(html)), 1)
