"""List every resource a built site would load from a host other than its own.

    python scripts/third_party_scan.py SITE_DIR     (exit 1 and one line per finding if any)

HTML: script/img/iframe/audio/video/source/embed/object sources, stylesheet/icon/preload/manifest links,
srcset, inline style url(). CSS: url() and @import. JavaScript: URLs of hosts that serve code, fonts or
tracking (CDNs, font services, analytics, code-hosting APIs), since a script can fetch them at run time.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import tinycss2
from bs4 import BeautifulSoup

# Loaders inside Material's JavaScript bundle that never run on this site, with the reason (URL prefixes).
DORMANT_LOADERS = {
    # Runs only for Mermaid diagrams; the handbook renders diagrams to SVG and rejects Mermaid in content.
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
    # Runs only in browsers without ResizeObserver (none that Material supports today).
    "https://unpkg.com/resize-observer-polyfill",
    # Runs only for a repository link marked data-md-component="source"; overrides/partials/source.html drops it.
    "https://api.github.com/repos/",
    "https://api.github.com/users/",
}

# Hosts that serve code, fonts or tracking: a URL to one of them in a script is a request waiting to happen.
RESOURCE_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|"
    r"googletagmanager\.com|google-analytics\.com|api\.github\.com|cloudflareinsights\.com|polyfill\.io|"
    r"bootstrapcdn\.com|fontawesome\.com/kit|typekit\.net)[^\s\"'`)]*",
    re.IGNORECASE,
)

HTML_SOURCES = {"script": "src", "img": "src", "iframe": "src", "audio": "src", "video": "src",
                "source": "src", "embed": "src", "object": "data", "track": "src", "input": "src"}
LINK_RELS_LOADED = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
                    "apple-touch-icon", "mask-icon", "dns-prefetch", "preconnect"}


@dataclass(frozen=True)
class Finding:
    file: str
    url: str
    how: str

    def __str__(self) -> str:
        return f"{self.file}: {self.how} loads {self.url}"


def is_foreign(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") or url.strip().startswith("//")


def css_urls(css: str) -> list[tuple[str, str]]:
    """(url, how) for each url() and @import in a stylesheet."""
    found = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for node in _walk_css(rules):
        if node.type == "url":
            found.append((node.value, "css url()"))
        elif node.type == "function" and node.lower_name == "url":
            found.extend((arg.value, "css url()") for arg in node.arguments if arg.type == "string")
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            for token in node.prelude:
                if token.type in ("string", "url"):
                    found.append((token.value, "css @import"))
    return found


def _walk_css(nodes):
    for node in nodes:
        yield node
        for attr in ("prelude", "content", "arguments"):
            children = getattr(node, attr, None)
            if isinstance(children, list):
                yield from _walk_css(children)
            elif children is not None and attr == "content" and getattr(node, "type", "") == "qualified-rule":
                yield from _walk_css(tinycss2.parse_declaration_list(children))


def html_findings(path: Path, rel: str) -> list[Finding]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    findings = []
    for tag, attr in HTML_SOURCES.items():
        for element in soup.find_all(tag):
            url = element.get(attr)
            if url and is_foreign(url):
                findings.append(Finding(rel, url, f"<{tag} {attr}>"))
            for candidate in (element.get("srcset") or "").split(","):
                url = candidate.strip().split(" ")[0]
                if url and is_foreign(url):
                    findings.append(Finding(rel, url, f"<{tag} srcset>"))
    for link in soup.find_all("link"):
        rels = {r.lower() for r in link.get("rel", [])}
        if rels & LINK_RELS_LOADED and is_foreign(link.get("href", "")):
            findings.append(Finding(rel, link["href"], f"<link rel={'/'.join(sorted(rels))}>"))
    for element in soup.find_all(style=True):
        findings += [Finding(rel, url, "inline style url()")
                     for url, _ in css_urls(f"x{{{element['style']}}}") if is_foreign(url)]
    for style in soup.find_all("style"):
        findings += [Finding(rel, url, f"<style> {how}") for url, how in css_urls(style.get_text()) if is_foreign(url)]
    for script in soup.find_all("script", src=False):
        findings += script_findings(script.get_text(), rel)
    return findings


def script_findings(text: str, rel: str) -> list[Finding]:
    return [Finding(rel, m.group(0), "script")
            for m in RESOURCE_HOSTS.finditer(text) if not m.group(0).startswith(tuple(DORMANT_LOADERS))]


def scan(site: Path) -> list[Finding]:
    findings: list[Finding] = []
    for path in sorted(site.rglob("*")):
        rel = str(path.relative_to(site))
        if path.suffix == ".html":
            findings += html_findings(path, rel)
        elif path.suffix == ".css":
            findings += [Finding(rel, url, how) for url, how in css_urls(path.read_text(encoding="utf-8"))
                         if is_foreign(url)]
        elif path.suffix in (".js", ".mjs"):
            findings += script_findings(path.read_text(encoding="utf-8", errors="replace"), rel)
    return findings


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/third_party_scan.py SITE_DIR", file=sys.stderr)
        return 2
    findings = scan(Path(argv[0]))
    for finding in findings:
        print(finding)
    print(f"{len(findings)} third-party resource(s) found.")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
