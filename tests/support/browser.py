"""Playwright driving Debian's Chromium (Playwright cannot download its own browsers here), and a recorder of
what a page does on the network and in the console."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@dataclass
class Recorder:
    """Every request a page makes and every console error, CSP violation and uncaught exception it reports."""
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> "Recorder":
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught exception: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", lambda request: self.errors.append(f"request failed: {request.url}"))
        return self

    def _response(self, response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message) -> None:
        if message.text.startswith("Failed to load resource"):
            return  # the response handler records it, with its URL
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(f"console {message.type}: {message.text}")

    def foreign_requests(self, allowed_host: str = "127.0.0.1") -> list[str]:
        """Requests to any host but ours (data: and blob: URLs stay in the page)."""
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname != allowed_host]
