"""The fast check before pushing: everything the build validates, with the build's own messages, in seconds.

    python scripts/check.py [--config mkdocs.yml]

It is the strict build itself (MkDocs, Material, the hooks: references, glossary, bibliography, essay integrity,
quotations, front matter, content security, page links, diagrams, MkDocs' link and anchor validation), run in
this process into a temporary folder that is thrown away. Left out, as they validate nothing: the search index
(its Chinese word segmentation alone takes seconds), the editions and the browser tests. Exits 1 on any problem.
In GitHub Actions (GITHUB_ACTIONS=true) every problem is also printed as an `::error` workflow command: the
engine's with file, line and column (hooks/xref/core/annotations.py), MkDocs' own warnings with the file they name.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.__main__ import ColorFormatter, State, _enable_warnings  # noqa: E402 - MkDocs' own console format
from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import MkDocsException  # noqa: E402 - Abort, and configuration errors

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
from xref.core import annotations  # noqa: E402

DOC_FILE = re.compile(r"Doc file '([^']+)'")  # how MkDocs names the page in its link warnings


class WarningAnnotations(logging.Handler):
    """MkDocs' own warnings (strict mode turns each into a failure) as ::error commands, with the page's file."""

    def __init__(self, docs_dir: str) -> None:
        super().__init__(logging.WARNING)
        self.docs_dir = docs_dir

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno != logging.WARNING:
            return  # the engine's report is an error record and annotates itself
        message = record.getMessage()
        page = DOC_FILE.search(message)
        file = f"{self.docs_dir}/{page.group(1)}" if page else ""
        print(annotations.command(message, file), flush=True)


def check(config_file: Path) -> int:
    state = State()  # noqa: F841 - keeps MkDocs' console handler attached while the build runs
    _enable_warnings()
    with tempfile.TemporaryDirectory(prefix="handbook-check-") as site_dir:
        try:
            config = load_config(str(config_file), strict=True, site_dir=site_dir)
        except MkDocsException as error:
            print(f"check failed: {config_file}: {error.format_message()}", file=sys.stderr)
            return 1
        search = config.plugins.get("material/search")
        if search is not None:
            search.config.enabled = False
        handler = None
        if annotations.in_github_actions():
            ColorFormatter.text_wrapper.width = 0  # never wrap (COLUMNS may be set): a command must start its line
            docs_dir = os.path.relpath(config.docs_dir, config_file.resolve().parent)
            handler = WarningAnnotations(docs_dir)
            logging.getLogger("mkdocs").addHandler(handler)
        start = time.monotonic()
        try:
            build(config)
        except MkDocsException as error:
            print(f"check failed: {error.format_message()}", file=sys.stderr)
            return 1
        finally:
            if handler is not None:
                logging.getLogger("mkdocs").removeHandler(handler)
    print(f"check passed in {time.monotonic() - start:.1f} s: no problem found.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    return check(parser.parse_args().config)


if __name__ == "__main__":
    sys.exit(main())
