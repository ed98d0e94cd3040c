"""What every edition needs: where things are, the book's metadata, the reading order, and a fresh site build."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BASENAME = "fintechs-new-look"
DEFAULT_OUT = ROOT / "build" / "editions"
PROVENANCE = ("English text as published at litk.net on 2023-08-06; author not stated; "
              "apparently machine-translated from a Chinese original.")
# Pages of the site that are not part of the printed book: the contributors' manual is about this repository's
# Markdown, not about the essay. Links to them point to the website instead.
NOT_IN_BOOK = {"contributing.md"}
# A release's tag (scripts/release.py's edition numbers, MAJOR.MINOR, with a "v"): `git describe` prints it bare
# only on the tagged commit itself, with no changes ("v1.1-3-gabc1234" or "v1.1-dirty" are previews).
RELEASE_TAG = re.compile(r"v\d+\.\d+(?:\.\d+)?")


class EditionError(RuntimeError):
    """A problem that stops an edition; the message says what to do."""


@dataclass(frozen=True)
class NavPage:
    src: str            # docs-relative Markdown path, e.g. "chapters/01-first-half.md"
    title: str | None   # the nav title if mkdocs.yml gives one
    group: str | None   # the nav section it sits in ("Chapters", "Reference", ...), None at top level

    @property
    def url(self) -> str:
        """The page's directory URL relative to the site root ("" for the home page)."""
        stem = self.src[: -len(".md")]
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    @property
    def html_path(self) -> str:
        return self.url + "index.html"

    @property
    def anchor(self) -> str:
        """A document-wide id prefix for this page: "chapters-01-first-half", "index"."""
        return self.src[: -len(".md")].replace("/", "-")


@dataclass(frozen=True)
class BookInfo:
    title: str
    subtitle: str
    version: str
    date: str
    language: str
    site_url: str
    description: str
    provenance: str = PROVENANCE


def load_config(config: Path = ROOT / "mkdocs.yml") -> dict:
    with open(config, encoding="utf-8") as handle:
        return yaml_load(handle)


def nav_pages(config: dict) -> list[NavPage]:
    """The site's pages in navigation order (mkdocs.yml `nav`), flattened."""
    pages: list[NavPage] = []

    def walk(items, group):
        for item in items:
            if isinstance(item, str):
                pages.append(NavPage(item, None, group))
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value, title)
                    elif isinstance(value, str) and value.endswith(".md"):
                        pages.append(NavPage(value, title, group))
    nav = config.get("nav")
    if not nav:
        raise EditionError("mkdocs.yml: no `nav` list; the editions follow the navigation order, so add one.")
    walk(nav, None)
    return pages


def book_pages(config: dict) -> list[NavPage]:
    return [page for page in nav_pages(config) if page.src not in NOT_IN_BOOK]


def edition_version() -> str:
    """HANDBOOK_VERSION if the release sets it; on a clean checkout of a release tag (v1.1), that release ("1.1");
    else "dev (what git says about the checkout)", for previews, or "dev"."""
    if os.environ.get("HANDBOOK_VERSION"):
        return os.environ["HANDBOOK_VERSION"]
    described = _git_describe("--tags", "--always", "--dirty")
    if RELEASE_TAG.fullmatch(described or ""):
        return described[1:]
    return f"dev ({described})" if described else "dev"


def _git_describe(*options: str) -> str | None:
    try:
        result = subprocess.run(["git", "describe", *options], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def edition_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return moment.date().isoformat()


def book_info(config: dict, version: str | None = None) -> BookInfo:
    name = config.get("site_name", "Handbook")
    title, _, subtitle = name.partition(": ")
    theme = config.get("theme") or {}
    return BookInfo(
        title=title,
        subtitle=subtitle[:1].upper() + subtitle[1:],
        version=version or edition_version(),
        date=edition_date(),
        language=theme.get("language", "en") if isinstance(theme, dict) else "en",
        site_url=config.get("site_url", ""),
        description=" ".join(str(config.get("site_description", "")).split()),
    )


class SiteBuild:
    """A build of the site with the same script as `make build`, running in the background until `wait()`."""

    def __init__(self, site_dir: Path, config: Path = ROOT / "mkdocs.yml"):
        self.site_dir, self.config = site_dir, config
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")   # a pipe could fill up and stall MkDocs
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "build.py"), "--config", str(config), "--site-dir", str(site_dir)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def wait(self) -> Path:
        """The built site; raises with MkDocs' output if the build failed."""
        returncode = self.process.wait()
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        if returncode != 0:
            raise EditionError(f"the site does not build ({self.config.name}); fix the errors below, then retry:\n"
                               f"{output}")
        return self.site_dir

    def stop(self) -> None:
        """Stop a build whose result is no longer wanted (another edition failed)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    return SiteBuild(site_dir, config).wait()
