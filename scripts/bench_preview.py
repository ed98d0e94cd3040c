"""Benchmark the live preview: seconds from saving a file to the changed page being served by `mkdocs serve`
(a script that prints figures, not a test).

    python scripts/bench_preview.py [--runs 5] [--dirty]
    python scripts/bench_preview.py --profile     (where a rebuild's time goes)

It copies the handbook's sources into a temporary folder, starts `mkdocs serve --strict` there as `make serve`
does, and times three kinds of edit, --runs times each: a sentence added to a chapter, a glossary entry's short
text changed (data/glossary.yml, shown on the glossary page), a diagram's label changed (a D2 fence, drawn again).
Each edit writes a new marker; the clock stops when the page served over HTTP contains it (polled every 20 ms).
Prints each time, then the median per kind. Wall time: run it on an otherwise idle machine.
With --profile it instead builds the copy twice in this process as `mkdocs serve` does (the first build loads
what a server keeps loaded) and prints a profile of the second build: the functions that take the most time.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["mkdocs.yml", "docs", "hooks", "overrides", "essay", "data"]  # what a build reads
CHAPTER = "docs/chapters/02-middleman-trap.md"
DIAGRAM_LABEL = 'ezubao: "Early 2016\\nEzubao scandal'
POLL = 0.02
TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""  # not up yet, or between builds


def wait_for(url: str, marker: str, since: float) -> float:
    while time.monotonic() - since < TIMEOUT:
        if marker in fetch(url):
            return time.monotonic() - since
        time.sleep(POLL)
    sys.exit(f"bench_preview: {marker!r} did not appear on {url} within {TIMEOUT:.0f} s")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        sys.exit(f"bench_preview: {old!r} is no longer in {path}: update the script")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def chapter_edit(project: Path, marker: str) -> None:
    path = project / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + f"\nA sentence to time the preview: {marker}.\n",
                    encoding="utf-8")


def glossary_edit(project: Path, marker: str) -> None:
    edit(project / "data" / "glossary.yml", "  short: >-\n    ", f"  short: >-\n    {marker} ")


def diagram_edit(project: Path, marker: str) -> None:
    edit(project / CHAPTER, DIAGRAM_LABEL, f"{DIAGRAM_LABEL} {marker}")


# kind -> (page that shows the change, edit that writes the marker)
EDITS: dict[str, tuple[str, Callable[[Path, str], None]]] = {
    "chapter": ("chapters/02-middleman-trap/", chapter_edit),
    "glossary entry": ("glossary/", glossary_edit),
    "diagram": ("chapters/02-middleman-trap/", diagram_edit),
}


@contextlib.contextmanager
def serving(project: Path, dirty: bool) -> Iterator[str]:
    """`mkdocs serve` on the copy; yields the site's base URL once the first build is served."""
    port = free_port()
    site_path = urlsplit(yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"),
                                   Loader=yaml.BaseLoader)["site_url"]).path
    command = [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}",
               *(["--dirty"] if dirty else [])]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = (project / "serve.log").open("w")
    server = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}{site_path}"
    try:
        started = time.monotonic()
        wait_for(base, "</html>", started)
        print(f"first build served after {time.monotonic() - started:.1f} s", flush=True)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def copy_handbook(project: Path) -> None:
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        else:
            shutil.copy2(source, project / part)


def profile_rebuild(project: Path, lines: int = 30) -> None:
    """A serve-mode rebuild profiled: MkDocs reloads the configuration and builds every page again."""
    import cProfile
    import logging
    import pstats

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.chdir(project)

    def rebuild() -> None:
        config = load_config("mkdocs.yml", strict=True, site_dir=str(project / "site"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url=config.site_url)

    rebuild()
    profiler = cProfile.Profile()
    start = time.monotonic()
    profiler.runcall(rebuild)
    print(f"one rebuild: {time.monotonic() - start:.2f} s under the profiler; by cumulative time:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"site-packages/(mkdocs|material|jinja2|markdown)/|hooks/", lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dirty", action="store_true", help="serve with --dirty (may show stale references)")
    parser.add_argument("--profile", action="store_true", help="profile one rebuild instead of timing edits")
    args = parser.parse_args()
    times: dict[str, list[float]] = {kind: [] for kind in EDITS}
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as folder:
        project = Path(folder)
        copy_handbook(project)
        if args.profile:
            profile_rebuild(project)
            return 0
        with serving(project, args.dirty) as base:
            for turn in range(1, args.runs + 1):
                for kind, (page, write) in EDITS.items():
                    marker = f"bench{turn}x{kind.split()[0]}q"
                    time.sleep(1.0)  # let the previous rebuild and the file watcher settle
                    saved = time.monotonic()
                    write(project, marker)
                    times[kind].append(wait_for(base + page, marker, saved))
                    print(f"turn {turn}: {kind}: {times[kind][-1]:.2f} s", flush=True)
    for kind, seconds in times.items():
        print(f"median of {args.runs}: {kind} saved to served in {statistics.median(seconds):.2f} s "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
