"""The engine's per-page work in a worker process, on a core MkDocs leaves idle.

MkDocs builds pages one after another on one core, and the engine's two per-page steps depend on nothing that
the next page changes:
- ScanPool: htmlpass.scan_html (autolinks, [[…]] tokens) needs only the page's HTML and the glossary. Each page
  is handed over when its HTML is ready; the results are collected in on_env, before anything reads them.
- FinalizePool: Engine.finalize_pair (links, generated lists, related reading) needs every page's scan. Once
  on_env has them, one process forked from the build works through the pages in build order, ahead of MkDocs,
  which renders the theme around each page meanwhile.
A page whose work fails in a worker is done again in this process: a worker problem can slow a build down but
never change its output.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor

from .htmlpass import PageScan, TermIndex, scan_html

# Below this many pages, starting a worker costs more than it saves.
MIN_PAGES = 100
_index: TermIndex | None = None   # the scan worker's copy of the glossary index
_engine = None                    # the engine a finalize worker inherits (set just before it is forked)


def worker_count(setting: object, pages: int, command: str | None) -> int:
    """Worker processes for a build: `setting` is extra.xref.workers ("auto" or a number; 0 scans in-process).
    "auto" uses one worker for a `mkdocs build` of at least MIN_PAGES pages on a machine with two or more cores.
    None while this process runs another thread: a fork copies none of them (`mkdocs serve` runs some)."""
    if setting in (None, "", "auto"):
        wanted = 1 if command == "build" and pages >= MIN_PAGES and (os.cpu_count() or 1) >= 2 else 0
    elif isinstance(setting, int) and not isinstance(setting, bool) and setting >= 0:
        wanted = setting
    else:
        raise ValueError(f"extra.xref.workers must be 'auto' or a number of processes (0: none), not {setting!r}")
    return wanted if threading.active_count() == 1 else 0


def _install(index: TermIndex) -> None:
    global _index
    _index = index


def _scan(html: str, autolink: bool, scope_ids: set[str] | None) -> tuple[str, PageScan]:
    return scan_html(html, _index, autolink=autolink, scope_ids=scope_ids)


def _fork_pool(count: int, **kwargs) -> ProcessPoolExecutor:
    # fork: the worker starts with everything this process has loaded, and nothing is pickled to set it up
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), **kwargs)


class ScanPool:
    """scan_html in `count` worker processes, forked from this one (they inherit the loaded engine code)."""

    def __init__(self, index: TermIndex, count: int = 1) -> None:
        self.index = index
        self.executor = _fork_pool(count, initializer=_install, initargs=(index,))
        self.pending: dict[str, tuple[Future, str, bool, set[str] | None]] = {}

    def submit(self, key: str, html: str, autolink: bool, scope_ids: set[str] | None) -> None:
        try:
            future = self.executor.submit(_scan, html, autolink, scope_ids)
        except RuntimeError:          # the pool broke or was shut down: scan here instead
            future = Future()
            future.set_exception(RuntimeError("the scan pool is not running"))
        self.pending[key] = (future, html, autolink, scope_ids)

    def results(self) -> dict[str, tuple[str, PageScan]]:
        """Every submitted page's (HTML, scan), in submission order; then the workers are stopped."""
        done = {}
        for key, (future, html, autolink, scope_ids) in self.pending.items():
            try:
                done[key] = future.result()
            except Exception:         # noqa: BLE001 - a lost worker only costs time: scan the page here
                done[key] = scan_html(html, self.index, autolink=autolink, scope_ids=scope_ids)
        self.close()
        return done

    def close(self) -> None:
        self.pending = {}
        self.executor.shutdown(wait=True, cancel_futures=True)


def _finalize(src: str, content: str) -> tuple[str, str]:
    return _engine.finalize_pair(src, content)


class FinalizePool:
    """Engine.finalize_pair for `pages` ((src, HTML) in build order), in one process forked from this one now."""

    def __init__(self, engine, pages: list[tuple[str, str]]) -> None:
        global _engine
        _engine = engine                  # the fork happens at the first submit: the worker sees this engine
        self.engine = engine
        self.executor = _fork_pool(1)
        self.pending: dict[str, tuple[Future, str]] = {}
        for src, content in pages:
            self.pending[src] = (self.executor.submit(_finalize, src, content), content)

    def result(self, src: str, content: str) -> tuple[str, str]:
        """The page's (final HTML, search text); computed here if the worker did not, or if the page changed
        since it was handed over."""
        future, submitted = self.pending.pop(src, (None, None))
        try:
            if future is not None and submitted == content:
                return future.result()
        except Exception:                 # noqa: BLE001 - as in ScanPool.results
            pass
        finally:
            if not self.pending:
                self.close()
        return self.engine.finalize_pair(src, content)

    def close(self) -> None:
        self.pending = {}
        self.executor.shutdown(wait=True, cancel_futures=True)
