"""What content may contain: an allowlist of HTML elements, attributes and URL schemes (what the handbook needs,
nothing more). Everything else is reported, with what to do; the build fails instead of silently cleaning.

The same tables judge raw HTML in a contributor's Markdown (content_rules.py, with exact positions), the HTML
of every page as rendered (html_problems: what Markdown extensions, data files and other plugins made) and the
SVG of the diagrams (svg_problems).
"""
from __future__ import annotations

from ..core.model import PageInfo
from ..core.problems import Problem
from ..core.urls import URL_NOISE
from .tokens import locate_in_sources

# Elements that content (Markdown, its extensions, raw HTML, the engine's own output) may hold.
ELEMENTS = frozenset("""
    a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody
    td tfoot th thead time tr u ul var wbr aside section nav header footer article main
    xref-ref xref-term
""".split())
# Attributes any allowed element may carry; data-* and aria-* are allowed too.
GLOBAL_ATTRIBUTES = frozenset("class id title lang dir role hidden tabindex style".split())
ATTRIBUTES = {
    "a": {"href", "rel", "hreflang", "type", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "abbr": set(), "details": {"open"}, "ol": {"start", "reversed", "type"},
    "li": {"value"}, "td": {"colspan", "rowspan", "align", "headers"}, "th": {"colspan", "rowspan", "align",
                                                                             "scope", "headers", "abbr"},
    "col": {"span"}, "colgroup": {"span"}, "xref-term": {"data-term"}, "xref-ref": {"data-n"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "srcset", "xlink:href", "action", "formaction", "poster",
                            "data", "background"})
# Schemes a link may use; everything else (javascript:, data:, file:, vbscript:, …) is refused. Resources
# (src, srcset) may only be relative: the site requests nothing from another host.
LINK_SCHEMES = ("http:", "https:", "mailto:")

ELEMENT = ("element <{tag}> is not allowed in content",
           "remove it: content may use the HTML elements listed in docs/contributing.md")
ATTRIBUTE = ("attribute {name}= is not allowed on <{tag}>",
             "remove the attribute: content may use the attributes listed in docs/contributing.md")
SCHEME = ("URL scheme {scheme!r} is not allowed in {name}=",
          "link to a page of the handbook or to an http(s):// or mailto: address instead")


def element_allowed(tag: str) -> bool:
    return tag in ELEMENTS


def attribute_allowed(tag: str, name: str) -> bool:
    if name in GLOBAL_ATTRIBUTES or name.startswith(("data-", "aria-")):
        return not name.startswith("on")
    return name in ATTRIBUTES.get(tag, ())


def url_scheme(value: str) -> str:
    """The scheme of a URL as a browser reads it ("javascript:"), or "" for a relative URL or a fragment."""
    cleaned = URL_NOISE.sub("", value).lower()
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head[: head.index(":") + 1] if ":" in head else ""


def scheme_allowed(value: str) -> bool:
    scheme = url_scheme(value)
    return scheme == "" or scheme in LINK_SCHEMES


# --- the rendered HTML of a page -------------------------------------------------------------------------------

def html_problems(root) -> list[tuple[tuple[str, str], dict, str]]:
    """What the allowlist refuses in a parsed page (lxml), in document order: (kind, details, text to locate)."""
    found = []
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str) or element is root:
            continue                        # comments and processing instructions: not shown
        if tag in SVG_ROOTS:
            found += svg_problems(element)
            continue
        if not element_allowed(tag):
            found.append((ELEMENT, {"tag": tag}, f"<{tag}"))
        for name, value in element.items():
            if not attribute_allowed(tag, name):
                found.append((ATTRIBUTE, {"tag": tag, "name": name}, f"{name}="))
            elif name in URL_ATTRIBUTES and not scheme_allowed(value):
                found.append((SCHEME, {"scheme": url_scheme(value), "name": name}, value))
    return found


# --- SVG: the diagrams ---------------------------------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"
SVG_ROOTS = frozenset({"svg", f"{SVG_NS}svg"})
SVG_ELEMENTS = frozenset("""
    svg g defs title desc style path rect circle ellipse line polyline polygon text tspan textPath use symbol
    marker mask clipPath linearGradient radialGradient stop pattern filter feGaussianBlur feOffset feBlend
    feFlood feComposite feMerge feMergeNode feColorMatrix a image switch foreignObject
""".split())
SVG_ELEMENTS_LOWER = frozenset(tag.lower() for tag in SVG_ELEMENTS)   # as an HTML parser names them
SVG_REFUSED_ATTRIBUTES = ("on",)     # event handlers: any attribute starting with "on"
SVG_RESOURCES = frozenset({"image", "use", "feImage"})   # what they name is fetched: only the SVG's own parts


def svg_problems(svg) -> list[tuple[tuple[str, str], dict, str]]:
    """What an inline SVG holds that the allowlist refuses: scripts and unknown elements, event handlers,
    links and references to anything but the SVG itself or an http(s) page."""
    found = []
    for element in svg.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.removeprefix(SVG_NS).split("}")[-1]
        if tag not in SVG_ELEMENTS or tag == "foreignObject":
            found.append((ELEMENT, {"tag": tag}, f"<{tag}"))
        for name, value in element.items():
            local = name.split("}")[-1]
            if local.startswith(SVG_REFUSED_ATTRIBUTES):
                found.append((ATTRIBUTE, {"tag": tag, "name": local}, f"{local}="))
            elif local == "href" and not _svg_href_allowed(tag, value):
                found.append((SCHEME, {"scheme": url_scheme(value) or value, "name": local}, value))
    return found


def _svg_href_allowed(tag: str, value: str) -> bool:
    if value.startswith("#"):
        return True
    if tag in SVG_RESOURCES:     # an image inside the SVG itself (d2's icons) runs nothing: data:image/ is fine
        return (url_scheme(value) == "" and not value.startswith("//")) or value.lower().startswith("data:image/")
    return url_scheme(value) in ("", "http:", "https:")


def refused_problems(page: PageInfo, refused: list[tuple], data_files: tuple[tuple[str, str], ...] = ()
                     ) -> list[Problem]:
    """A problem for each thing html_problems refused on `page`, located where its text stands in the sources."""
    problems = []
    for (message, fix), details, text in refused:
        file, line, column = locate_in_sources(page, text, 0, data_files)
        fix = fix[:1].upper() + fix[1:]
        problems.append(Problem(file, line, column, message.format(**details),
                                hint=fix if fix.endswith(".") else fix + "."))
    return problems
