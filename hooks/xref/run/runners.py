"""How the per-page work runs: in this process, or in a forked worker process, behind one interface.

A runner takes each page's check (stage 4, per page) and scan (stage 3) as MkDocs reaches the page, hands back
every check's problem and every page's references and headings once all pages are in (collect), and makes
each page's final HTML (stage 5) when MkDocs asks for it (final). The forked runner owns the caches of page
HTML and the fallback: if anything fails in the worker, it says so in the log (one line, and the worker's
traceback) and does the rest of the build in this process, with the same output.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from ..core.model import PageInfo
from ..check.allowlist import refused_problems
from ..check.tokens import stray_token_problems
from ..core.problems import Problem
from ..finalize.final_pass import Snapshot, finalize_page
from ..load.data import Data
from ..registry.registry import Registry
from ..scan.html_scan import PageScan, scan_html

Notice = Callable[[str], None]   # where a runner says that it fell back (the build's log)


@dataclass(frozen=True)
class PageWork:
    """The per-page jobs, bound to the build's frozen data: what a runner runs."""
    data: Data
    documents: frozenset[str]   # every Markdown page of the build, by source path (for the page-link check)
    data_files: tuple[tuple[str, str], ...] = ()   # (label, text) of the data files pages draw Markdown from

    def check(self, raw: str, file: str, src: str) -> list[Problem]:
        from ..check.source import source_problems
        return source_problems(raw, file, src, self.documents, passages=self.data.passages)

    def check_page(self, page: PageInfo) -> list[Problem]:
        return self.check(page.raw, page.file, page.src)

    def scan_problems(self, page: PageInfo, scan: PageScan) -> list[Problem]:
        """What the scan found it could not replace on `page`, and what the content allowlist refuses there."""
        problems = stray_token_problems(page, scan.stray, self.data_files) if scan.stray else []
        return problems + refused_problems(page, scan.refused, self.data_files) if scan.refused else problems

    def scan(self, html: str, autolink: bool, scope: frozenset[str] | None) -> tuple[str, PageScan]:
        return scan_html(html, self.data.index, autolink=autolink, scope_ids=scope, passages=self.data.passages)

    def scan_page(self, page: PageInfo, html: str) -> tuple[str, PageScan]:
        return self.scan(html, *self.scan_options(page))

    def finalize(self, src: str, html: str, snapshot: Snapshot) -> tuple[str, str]:
        return finalize_page(src, html, snapshot)

    def scan_options(self, page: PageInfo) -> tuple[bool, frozenset[str] | None]:
        """Whether the page gets autolinks, and which terms a [[term:…]] may name without linking away."""
        autolink = page.kind in ("page", "glossary") and page.meta.get("autolink", True) is not False
        return autolink, frozenset(self.data.terms) if page.kind == "glossary" else None


def record(page: PageInfo, scan: PageScan) -> None:
    page.mentions, page.references, page.headings = scan.mentions, scan.references, scan.headings


class InProcessRunner:
    """Does each page's work when it is handed in."""

    def __init__(self, work: PageWork) -> None:
        self.work = work
        self.problems: list[Problem] = []

    def check(self, page: PageInfo) -> None:
        self.problems += self.work.check_page(page)

    def scan(self, page: PageInfo, html: str) -> str:
        html, scan = self.work.scan_page(page, html)
        record(page, scan)
        self.problems += self.work.scan_problems(page, scan)
        return html

    def collect(self, registry: Registry, figure_html: dict[str, str], order: list[str]) -> list[Problem]:
        problems, self.problems = self.problems, []
        return problems

    def final(self, src: str, html: str, snapshot: Snapshot) -> tuple[str, str]:
        return self.work.finalize(src, html, snapshot)

    def close(self) -> None:
        pass


class ForkedRunner:
    """Hands each page's work to one forked worker process (run/worker.py), which keeps the scans and makes the
    final HTML ahead of MkDocs; this process keeps only what its checks need."""

    def __init__(self, work: PageWork, notice: Notice) -> None:
        from .worker import Worker
        self.work, self.notice = work, notice
        self.unscanned: dict[str, str] = {}     # each page's HTML as it was sent to be scanned
        self.scans: dict[str, PageScan] = {}    # in the worker: each page's scan, for the final pass
        self.scanned_html: dict[str, str] = {}  # in the worker, or here after a fallback: until final() takes it
        self.here: Snapshot | None = None       # after a fallback: the snapshot of this process's own scans
        self.worker = Worker({"check": work.check, "scan": self._scan_and_keep, "finalize": self._final_stream})

    def check(self, page: PageInfo) -> None:
        self.worker.submit(("check", page.src), "check", page.raw, page.file, page.src)

    def scan(self, page: PageInfo, html: str) -> str:
        self.unscanned[page.src] = html
        self.worker.submit(("scan", page.src), "scan", page.src, html, *self.work.scan_options(page))
        return html

    def collect(self, registry: Registry, figure_html: dict[str, str], order: list[str]) -> list[Problem]:
        """The worker's check results, and the references and headings of each page it scanned; meanwhile the
        worker starts the final pass of the pages in `order`, expecting the checks to pass (if they fail, it
        is stopped). If a scan failed there, every page is scanned here."""
        from .worker import failed
        problems: list[Problem] = []
        lost = None
        for (job, src), result in self.worker.collect(then=("finalize", registry.parts(), figure_html,
                                                            order)).items():
            page = registry.pages[src]
            if failed(result):
                self._say(f"the worker's {job} of {src} failed", result.traceback)
            if job == "check":
                problems += self.work.check_page(page) if failed(result) else result
            elif failed(result):
                lost = lost or result
            else:
                page.references, page.headings, stray, refused = result
                problems += self.work.scan_problems(page, PageScan(stray=stray, refused=refused))
        if lost:
            problems += self._work_here(registry, figure_html)
        return problems

    def final(self, src: str, html: str, snapshot: Snapshot) -> tuple[str, str]:
        """The worker's final HTML of the page. If the worker failed, or the page changed since it was scanned,
        this process takes over the rest of the build."""
        from .worker import failed
        if self.here is None and src in self.unscanned:
            if html is self.unscanned[src] or html == self.unscanned[src]:
                result = self.worker.result(src)
                if not failed(result):
                    return result
                self._say(f"the worker's final pass of {src} failed", result.traceback)
            else:
                self._say(f"{src} changed after the worker scanned it (another plugin)")
            self.unscanned[src] = html
            self._work_here(snapshot.registry, snapshot.figure_html)
        return self.work.finalize(src, self.scanned_html.pop(src, html), self.here or snapshot)

    def close(self) -> None:
        self.worker.close()

    def _say(self, what: str, traceback: str = "") -> None:
        self.notice(f"{what}; the build goes on in this process" + (f"\n{traceback.rstrip()}" if traceback
                                                                           else ""))

    def _work_here(self, registry: Registry, figure_html: dict[str, str]) -> list[Problem]:
        """Stop the worker and scan every page in this process, for a final pass here; the scans' problems."""
        self.worker.close()
        problems = []
        for src, html in self.unscanned.items():
            page = registry.pages[src]
            self.scanned_html[src], scan = self.work.scan_page(page, html)
            record(page, scan)
            problems += self.work.scan_problems(page, scan)
        self.here = Snapshot(registry, figure_html)
        return problems

    # --- in the worker ---------------------------------------------------------------------------------------

    def _scan_and_keep(self, src: str, html: str, autolink: bool, scope: frozenset[str] | None):
        """Scan a page and keep the result for the final pass; the build's checks need only its references and
        headings."""
        self.scanned_html[src], self.scans[src] = self.work.scan(html, autolink, scope)
        scan = self.scans[src]
        return scan.references, scan.headings, scan.stray, scan.refused

    def _final_stream(self, parts: tuple, figure_html: dict[str, str],
                      order: list[str]) -> Iterable[tuple[str, Callable]]:
        """The build's registry with this worker's own scans: the final pass of each page, in build order."""
        pages = parts[0]
        for src, page in pages.items():
            record(page, self.scans[src])
        registry = Registry.for_data(self.work.data).adopt(*parts)
        snapshot = Snapshot(registry, figure_html)
        return ((src, partial(self.work.finalize, src, self.scanned_html.pop(src, ""), snapshot)) for src in order)


def make_runner(count: int, work: PageWork, notice: Notice) -> InProcessRunner | ForkedRunner:
    """The runner for `count` worker processes (0 or 1: see worker.worker_count)."""
    return ForkedRunner(work, notice) if count > 0 else InProcessRunner(work)
