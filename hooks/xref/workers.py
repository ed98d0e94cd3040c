"""The engine's per-page work in a worker process, on a core MkDocs leaves idle.

MkDocs builds pages one after another on one core, and the engine's two per-page steps depend on nothing that
the next page changes:
- PagePool: the checks of a page's source (page_checks) and htmlpass.scan_html (autolinks, [[…]] tokens) need
  only the page and the glossary. Each page is sent to the worker when MkDocs has read it and again when its
  HTML is ready; the results are collected in on_env, before anything reads them.
- FinalizePool: Engine.finalize_pair (links, generated lists, related reading) needs every page's scan. Once
  on_env has them, a process forked from the build works through the pages in build order and streams the
  results back, ahead of MkDocs, which renders the theme around each page meanwhile.
Each worker is one process with two pipes and no thread in the build's process (a thread there would compete
with MkDocs for the interpreter); in the worker a thread sends the results, so its work runs ahead. A page whose
work fails in the worker is done again in this process: a worker problem can slow a build down but never change
its output.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable

# Below this many pages, starting a worker costs more than it saves.
MIN_PAGES = 100
FAILED = "xref-worker-failed"   # what a worker sends for a page whose work raised


def worker_count(setting: object, pages: int, command: str | None) -> int:
    """1 when the build hands its per-page work to a worker process, else 0. `setting` is extra.xref.workers:
    0, 1, or "auto": a worker for a `mkdocs build` of at least MIN_PAGES pages on a machine with two or more
    cores (one worker keeps well ahead of MkDocs). Always 0 where processes cannot be forked, and while this
    process runs another thread: a fork copies none of them (`mkdocs serve` runs some)."""
    if setting in (None, "", "auto"):
        wanted = 1 if command == "build" and pages >= MIN_PAGES and (os.cpu_count() or 1) >= 2 else 0
    elif setting in (0, 1) and not isinstance(setting, bool):
        wanted = setting
    else:
        raise ValueError(f"extra.xref.workers must be 'auto', 0 (all work in the build's process) or 1 "
                         f"(a worker process), not {setting!r}")
    can_fork = "fork" in multiprocessing.get_all_start_methods()   # not on Windows
    return wanted if can_fork and threading.active_count() == 1 else 0


def _fork(target: Callable, *args) -> tuple[object, object, object]:
    """A forked process running target(requests, results, *args), and this side's ends of the two pipes: one to
    send it requests, one to receive its results. Forked: the worker starts with everything this process has
    loaded, and nothing is pickled to set it up."""
    context = multiprocessing.get_context("fork")
    their_requests, our_requests = context.Pipe(duplex=False)
    our_results, their_results = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(their_requests, their_results, *args), daemon=True)
    process.start()
    their_requests.close()
    their_results.close()
    return process, our_requests, our_results


def _stop(process, *connections) -> None:
    for connection in connections:
        connection.close()
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()


class _Outbox:
    """The worker's results, sent by a thread of the worker: its work runs ahead of the build, which reads the
    results when it needs them (the pipe itself holds only a page or two)."""

    END = (None, None)

    def __init__(self, connection) -> None:
        self.connection = connection
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._send, daemon=True)
        self.thread.start()

    def _send(self) -> None:
        try:
            while True:
                item = self.queue.get()
                self.connection.send(item)
                if item == self.END:
                    return
        except OSError:             # the build stopped early and closed the pipe: nothing to say
            pass

    def put(self, key: str, value: object) -> None:
        self.queue.put((key, value))

    def close(self) -> None:
        self.queue.put(self.END)
        self.thread.join()


def _attempt(function: Callable, *args):
    try:
        return function(*args)
    except Exception:       # noqa: BLE001 - the build process does this page again and reports what it finds
        return FAILED


def _failed(value: object) -> bool:
    return isinstance(value, str) and value == FAILED


# --- checking and scanning, while MkDocs renders ---------------------------------------------------------------

def _do_jobs(requests, results, jobs: dict[str, Callable]) -> None:
    outbox = _Outbox(results)
    try:
        while (message := requests.recv()) is not None:
            key, job, args = message
            outbox.put(key, _attempt(jobs[job], *args))
    except (OSError, EOFError):     # the build stopped early
        pass
    outbox.close()


class PagePool:
    """Jobs on pages (`jobs`: name -> function; the worker inherits the functions, nothing is pickled) done in
    one forked process in the order they are submitted; results() collects them all."""

    def __init__(self, jobs: dict[str, Callable]) -> None:
        self.jobs = jobs
        self.process, self.requests, self.results_from = _fork(_do_jobs, jobs)
        self.pending: dict[object, tuple[str, tuple]] = {}

    def submit(self, key: object, job: str, *args) -> None:
        self.pending[key] = (job, args)
        try:
            self.requests.send((key, job, args))
        except (OSError, ValueError):   # the worker is gone: results() does the job here
            pass

    def results(self) -> dict[object, object]:
        """Every submitted job's result, in submission order; then the worker stops."""
        done = {}
        try:
            self.requests.send(None)
            while (item := self.results_from.recv()) != _Outbox.END:
                done[item[0]] = item[1]
        except (OSError, EOFError, ValueError):
            pass
        results = {}
        for key, (job, args) in self.pending.items():
            result = done.get(key, FAILED)
            results[key] = self.jobs[job](*args) if _failed(result) else result
        self.close()
        return results

    def close(self) -> None:
        self.pending = {}
        _stop(self.process, self.requests, self.results_from)


# --- finalizing ----------------------------------------------------------------------------------------------

def _finalize_pages(requests, results, engine, pages: list[tuple[str, str]]) -> None:
    outbox = _Outbox(results)
    for src, content in pages:
        outbox.put(src, _attempt(engine.finalize_pair, src, content))
    outbox.close()


class FinalizePool:
    """Engine.finalize_pair for `pages` ((src, HTML) in build order), in a process forked from this one now."""

    def __init__(self, engine, pages: list[tuple[str, str]]) -> None:
        self.engine = engine
        self.submitted = dict(pages)
        self.arrived: dict[str, object] = {}
        self.process, self.requests, self.results_from = _fork(_finalize_pages, engine, pages)

    def result(self, src: str, content: str) -> tuple[str, str]:
        """The page's (final HTML, search text): the worker's, unless it failed or the page changed since it
        was handed over."""
        if self.submitted.pop(src, None) == content:
            while src not in self.arrived:
                try:
                    key, value = self.results_from.recv()
                except (OSError, EOFError, ValueError):
                    break
                self.arrived[key] = value
        value = self.arrived.pop(src, FAILED)
        if not self.submitted:
            self.close()
        return self.engine.finalize_pair(src, content) if _failed(value) else value

    def close(self) -> None:
        self.submitted = {}
        _stop(self.process, self.requests, self.results_from)
