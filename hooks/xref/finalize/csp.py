"""The Content-Security-Policy of a written page: the hashes of the theme's own inline scripts, and nothing else
inline (hooks/content_security.py applies it to every page MkDocs writes)."""
from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

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
