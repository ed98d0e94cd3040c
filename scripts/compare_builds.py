"""What a change does to the handbook as readers see it: two built sites compared, as Markdown for a job summary.

    python scripts/compare_builds.py --base-site OLD_SITE --head-site NEW_SITE [--base-pdf F --head-pdf F]
    python scripts/compare_builds.py --base-ref origin/main [--head-ref HEAD] [--pdf] [--config mkdocs.yml]
    ... [--append FILE]    (add the Markdown to FILE, e.g. $GITHUB_STEP_SUMMARY, instead of printing it)

It lists the pages whose rendered text changed, with a short diff of each changed paragraph; the glossary entries,
sources and figures added or removed; the cross-references whose count changed; the PDF's page count before and
after. A --*-ref is a git revision of the repository in the current folder: its files are exported into a
temporary folder and built there with this checkout's scripts/build.py (and, with --pdf, its PDF edition).
"""
from __future__ import annotations

import argparse
import difflib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
# Leaf blocks of rendered text: a changed one is one "paragraph" of the diff.
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "figcaption", "pre", "summary"}
NOT_TEXT = ["a.headerlink", "svg", "script", "style"]  # permalinks; diagrams are compared by their captions
SKIPPED = {"404.html"}
CONTEXT = 60        # characters kept either side of a change
MAX_LINE = 300      # characters of one side of a paragraph diff
MAX_CHANGES = 8     # paragraph diffs shown per page


@dataclass
class Site:
    """What a reader sees in one build: each page's paragraphs and the handbook's inventories."""
    pages: dict[str, list[str]] = field(default_factory=dict)   # page URL -> its text blocks, in order
    glossary: dict[str, str] = field(default_factory=dict)      # anchor -> term
    sources: dict[str, str] = field(default_factory=dict)       # anchor -> label and title
    figures: dict[str, str] = field(default_factory=dict)       # anchor -> caption
    references: Counter = field(default_factory=Counter)        # "kind:id" -> links to it
    pdf_pages: int | None = None


def text_of(element) -> str:
    """The text as rendered: inline elements joined as they are (no space before a comma after a link)."""
    return " ".join(element.get_text().split())


def page_url(path: Path, site_dir: Path) -> str:
    relative = path.relative_to(site_dir).as_posix()
    return relative.removesuffix("index.html") or "/"


def read_page(html: str, url: str, site: Site) -> None:
    article = BeautifulSoup(html, "lxml").select_one("article")
    if article is None:
        return  # redirects and other pages without content
    for junk in article.select(", ".join(NOT_TEXT)):
        junk.decompose()
    for line_break in article.find_all("br"):
        line_break.replace_with(" ")
    blocks = [element for element in article.find_all(BLOCKS) if not element.find(BLOCKS)]
    site.pages[url] = [text for text in map(text_of, blocks) if text]
    for heading in article.select("h2[id]"):
        following = heading.find_next_sibling()
        if following is not None and "xref-short" in (following.get("class") or []):
            site.glossary[heading["id"]] = text_of(heading)
    for source in article.select("li.xref-source[id]"):
        label, title = source.select_one(".xref-source-label"), source.find("cite")
        site.sources[source["id"]] = " ".join(text_of(part) for part in (label, title) if part is not None)
    for figure in article.select("figure[id]"):
        caption = figure.find("figcaption")
        site.figures[figure["id"]] = text_of(caption) if caption else figure["id"]
    site.references.update(link["data-xref"] for link in article.select("a.xref[data-xref]:not(.xref-auto)"))


def read_site(site_dir: Path, pdf: Path | None = None) -> Site:
    site = Site()
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir)
        if relative.parts[0] in ("assets", "search") or relative.as_posix() in SKIPPED:
            continue
        read_page(path.read_text(encoding="utf-8"), page_url(path, site_dir), site)
    if pdf is not None:
        from pypdf import PdfReader
        site.pdf_pages = len(PdfReader(pdf).pages)
    return site


def shorten(old: str, new: str) -> tuple[str, str]:
    """Both texts cut to the changed part and some context either side, with … where cut."""
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    start = max(0, prefix - CONTEXT)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + CONTEXT)
        part = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
        return part if len(part) <= MAX_LINE else part[:MAX_LINE] + "…"

    return cut(old), cut(new)


def paragraph_diff(old: list[str], new: list[str]) -> list[str]:
    """Diff lines ("- old", "+ new") for every paragraph that changed, was removed or was added."""
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for before, after in zip(removed, added):
            short_old, short_new = shorten(before, after)
            lines += [f"- {short_old}", f"+ {short_new}", ""]
        lines += [f"- {shorten(text, '')[0]}" for text in removed[len(added):]]
        lines += [f"+ {shorten('', text)[1]}" for text in added[len(removed):]]
        if len(removed) != len(added):
            lines.append("")
    return lines


def fenced(lines: list[str], language: str = "diff") -> list[str]:
    text = "\n".join(lines).strip("\n")
    fence = "`" * max(3, longest_backtick_run(text) + 1)
    return [f"{fence}{language}", text, fence]


def longest_backtick_run(text: str) -> int:
    best = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best


def inventory(title: str, before: dict[str, str], after: dict[str, str]) -> list[str]:
    added = [f"- added: {after[key]} (`{key}`)" for key in sorted(after.keys() - before.keys())]
    removed = [f"- removed: {before[key]} (`{key}`)" for key in sorted(before.keys() - after.keys())]
    return [f"### {title}", "", *added, *removed, ""] if added or removed else []


def reference_changes(before: Counter, after: Counter) -> list[str]:
    changed = sorted(key for key in before.keys() | after.keys() if before[key] != after[key])
    if not changed:
        return []
    rows = [f"| `[[{key}]]` | {before[key]} | {after[key]} |" for key in changed]
    return ["### Cross-references whose count changed", "", "| reference | before | after |", "| --- | --: | --: |",
            *rows, ""]


def page_changes(base: Site, head: Site) -> list[str]:
    lines = []
    for url in sorted(base.pages.keys() | head.pages.keys()):
        old, new = base.pages.get(url), head.pages.get(url)
        if old == new:
            continue
        state = "added" if old is None else "removed" if new is None else "changed"
        diff = paragraph_diff(old or [], new or [])
        count = sum(1 for line in diff if line.startswith("+ ") or line.startswith("- "))
        shown = diff if state == "changed" else []
        blocks = [i for i, line in enumerate(shown) if line == ""]
        if len(blocks) > MAX_CHANGES:
            shown = shown[:blocks[MAX_CHANGES - 1]] + ["", f"… and more: {len(blocks) - MAX_CHANGES} not shown"]
        lines += [f"<details><summary><code>{url}</code>: page {state} ({count} lines of diff)</summary>", ""]
        lines += [*fenced(shown), ""] if shown else []
        lines += ["</details>", ""]
    return lines


def summary(base: Site, head: Site) -> str:
    changed = [url for url in base.pages.keys() | head.pages.keys() if base.pages.get(url) != head.pages.get(url)]
    lines = ["## What this change does to the handbook", ""]
    lines.append(f"Pages whose text changed: {len(changed)} of {len(head.pages)}." if changed
                 else "No page's rendered text changed.")
    if base.pdf_pages is not None or head.pdf_pages is not None:
        lines.append(f"PDF pages: {base.pdf_pages if base.pdf_pages is not None else 'none'} before, "
                     f"{head.pdf_pages if head.pdf_pages is not None else 'none'} after.")
    lines.append("")
    lines += inventory("Glossary entries", base.glossary, head.glossary)
    lines += inventory("Sources", base.sources, head.sources)
    lines += inventory("Figures", base.figures, head.figures)
    lines += reference_changes(base.references, head.references)
    if changed:
        lines += ["### Pages whose text changed", "", *page_changes(base, head)]
    return "\n".join(lines).rstrip("\n") + "\n"


def export_revision(ref: str, folder: Path) -> None:
    """The files of git revision `ref` of the current repository, without its history."""
    # safe.directory: in a CI container the checkout belongs to another user, and git would refuse to read it.
    archive = subprocess.run(["git", "-c", f"safe.directory={Path.cwd()}", "archive", "--format=tar", ref],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"compare_builds: git cannot export {ref!r}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")


def build_revision(ref: str, config: str, work: Path, pdf: bool) -> tuple[Path, Path | None]:
    """Build the site (and with `pdf` the PDF) of revision `ref`; returns their paths."""
    source, site = work / "source", work / "site"
    source.mkdir(parents=True)
    export_revision(ref, source)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("GITHUB_ACTIONS", None)  # the revision's own problems are not this change's annotations
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--config", str(source / config),
                            "--site-dir", str(site)], cwd=source, env=env, capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit(f"compare_builds: revision {ref} does not build:\n{built.stdout}{built.stderr}")
    if not pdf:
        return site, None
    editions = work / "editions"
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "editions" / "build_all.py"), "--only", "pdf",
                           "--config", str(source / config), "--out", str(editions)],
                          cwd=source, env=env, capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(f"compare_builds: the PDF of revision {ref} does not build:\n{made.stdout}{made.stderr}")
    return site, next(editions.glob("*.pdf"))


def side(name: str, args, work: Path) -> Site:
    ref, site_dir, pdf = getattr(args, f"{name}_ref"), getattr(args, f"{name}_site"), getattr(args, f"{name}_pdf")
    if ref:
        site_dir, built_pdf = build_revision(ref, args.config, work / name, args.pdf)
        pdf = pdf or built_pdf
    if site_dir is None or not Path(site_dir).is_dir():
        sys.exit(f"compare_builds: give --{name}-site (a built site folder) or --{name}-ref (a git revision)")
    return read_site(Path(site_dir), Path(pdf) if pdf else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("base", "head"):
        parser.add_argument(f"--{name}-site", type=Path)
        parser.add_argument(f"--{name}-ref")
        parser.add_argument(f"--{name}-pdf", type=Path)
    parser.add_argument("--pdf", action="store_true", help="also build the PDF of each --*-ref")
    parser.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration in a revision")
    parser.add_argument("--append", type=Path, help="append the Markdown to this file instead of printing it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as work:
        base, head = side("base", args, Path(work)), side("head", args, Path(work))
    markdown = summary(base, head)
    if args.append:
        with args.append.open("a", encoding="utf-8") as out:
            out.write(markdown)
    else:
        sys.stdout.write(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
