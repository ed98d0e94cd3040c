"""The engine's per-page work in a worker process, on a core MkDocs leaves idle.

MkDocs builds pages one after another on one core. The engine's per-page work depends on nothing that the
next page changes, so one process forked at the start of the build (Worker) does it meanwhile, in order:
- while MkDocs renders: the checks of each page's source, and the scan of its HTML (autolinks, [[…]] tokens),
  which the worker keeps; the build collects what it needs for its checks in on_env (collect());
- from then on: each page's final HTML, in build order, from the scans it kept (a stream, started by collect()
  so that the worker begins while the build runs its checks); the build reads each page's when MkDocs reaches
  it, and the worker is ahead by then.
One process with two pipes and no thread in the build's process (a thread there would compete with MkDocs for
the interpreter); in the worker a thread sends the results, so its work runs ahead. The worker was forked from
the build: it inherits the job functions and the state they work on, and what a job changes there stays there,
for the later jobs. Work that fails in the worker comes back as a Failure with its traceback: the runner
(run/runners.py) logs it and does the work itself, so a worker problem can slow a build down but never change
its output.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Below this many pages, starting a worker costs more than it saves.
MIN_PAGES = 100


@dataclass(frozen=True)
class Failure:
    """The result of work that raised in the worker (with the traceback), or that it never sent."""
    traceback: str = ""


FAILED = Failure("the worker sent no result (it ended, or its pipe broke)")
_MARK = "xref-worker-mark"       # sent after the results of every job submitted before a collect()
_STREAM_END = "xref-worker-stream-end"   # sent when a stream has nothing more, or stopped


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


def _send(connection, message: object) -> None:
    # Plain pickle: Connection.send sets up multiprocessing's own pickler for every message, which costs more
    # than pickling a page (messages here are tuples of strings, lists and small dataclasses).
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def _receive(connection) -> object:
    return pickle.loads(connection.recv_bytes())


def failed(value: object) -> bool:
    return isinstance(value, Failure)


class _Outbox:
    """The worker's results, sent by a thread of the worker: its work runs ahead of the build, which reads the
    results when it needs them. The thread sends whatever has queued up as one message: it gets the interpreter
    only now and then while the worker computes (every 5 ms, Python's switch interval), and one result per turn
    would fall behind."""

    END = (None, None)

    def __init__(self, connection) -> None:
        self.connection = connection
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._send, daemon=True)
        self.thread.start()

    def _send(self) -> None:
        try:
            while True:
                items = [self.queue.get()]
                while not self.queue.empty():
                    items.append(self.queue.get())
                _send(self.connection, items)
                if items[-1] == self.END:
                    return
        except OSError:             # the build stopped early and closed the pipe: nothing to say
            pass

    def put(self, key: object, value: object) -> None:
        self.queue.put((key, value))

    def close(self) -> None:
        self.queue.put(self.END)
        self.thread.join()


def _attempt(function: Callable, *args):
    try:
        return function(*args)
    except Exception:       # noqa: BLE001 - the build process does this work again and reports what it finds
        return Failure(traceback.format_exc())


def _stream(outbox: _Outbox, job: Callable[..., Iterable[tuple[object, Callable]]], args: tuple) -> None:
    end = None
    try:
        for key, task in job(*args):
            outbox.put(key, _attempt(task))
    except Exception:       # noqa: BLE001 - the stream stops; the build does the rest itself
        end = Failure(traceback.format_exc())
    outbox.put(_STREAM_END, end)


def _serve(requests, results, jobs: dict[str, Callable], build_ends: tuple) -> None:
    """The worker's loop: ("job", key, name, args), ("mark",) and ("stream", name, args) messages, until None
    or until the build closes its end of the pipe."""
    for connection in build_ends:   # copies made by the fork: while open here, the build's closing goes unseen
        connection.close()
    # What the worker inherited lives as long as it does: the cycle collector need not walk it again and again
    # (walking it would also copy the build's memory pages into the worker).
    gc.freeze()
    outbox = _Outbox(results)
    try:
        while (message := _receive(requests)) is not None:
            if message[0] == "job":
                _, key, name, args = message
                outbox.put(key, _attempt(jobs[name], *args))
            elif message[0] == "mark":
                outbox.put(_MARK, None)
            else:
                _, name, args = message
                _stream(outbox, jobs[name], args)
    except (OSError, EOFError):     # the build stopped early
        pass
    outbox.close()


PIPE_BYTES = 1 << 20   # the size Linux lets any user give a pipe: some 40 pages of HTML


def _widen(connection) -> None:
    """Let the pipe hold PIPE_BYTES (where the system allows): with the 64 KiB default, a page's HTML or two
    fills it, and the build waits whenever the worker is busy with a larger page."""
    try:
        import fcntl
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):   # not Linux, or a lower limit: the default size works too
        pass


class Worker:
    """One forked process doing jobs (`jobs`: name -> function) in the order they are sent."""

    def __init__(self, jobs: dict[str, Callable]) -> None:
        context = multiprocessing.get_context("fork")   # the worker starts with everything loaded; nothing pickled
        their_requests, self.requests = context.Pipe(duplex=False)
        self.results_from, their_results = context.Pipe(duplex=False)
        _widen(self.requests)
        _widen(their_results)
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(their_requests, their_results, jobs, (self.requests, self.results_from)))
        self.process.start()
        their_requests.close()
        their_results.close()
        self.pending: list[object] = []          # keys of jobs submitted since the last collect()
        self.arrived: dict[object, object] = {}
        self.gone = False                        # the worker ended, or a pipe broke: nothing more will come
        self.streaming = False                   # a stream started and has not ended

    def _send(self, message: tuple) -> None:
        if not self.gone:
            try:
                _send(self.requests, message)
            except (OSError, ValueError):
                self.gone = True

    def _receive_until(self, *keys: object) -> None:
        while not self.gone and not any(key in self.arrived for key in keys):
            try:
                items = _receive(self.results_from)
            except (OSError, EOFError, ValueError):
                items = [_Outbox.END]
            for key, value in items:
                self.arrived[key] = value
                self.streaming = self.streaming and key != _STREAM_END
            self.gone = items[-1] == _Outbox.END

    def submit(self, key: object, job: str, *args) -> None:
        """Start job(*args) in the worker; its result is collected with the others by collect()."""
        self.pending.append(key)
        self._send(("job", key, job, args))

    def collect(self, then: tuple = ()) -> dict[object, object]:
        """The result of each job submitted since the last collect (FAILED where it raised or never came), in
        the order they were submitted. The worker goes on; with `then` = (job, *args), it starts that stream
        as soon as it has sent these results, while this process reads them and acts on them."""
        self._send(("mark",))
        if then:
            self.stream(*then)
        self._receive_until(_MARK)
        self.arrived.pop(_MARK, None)
        results = {key: self.arrived.pop(key, FAILED) for key in self.pending}
        self.pending = []
        return results

    def stream(self, job: str, *args) -> None:
        """Run job(*args) in the worker: it returns (key, task) pairs, and each task() is done there and its
        result kept for result(key)."""
        self.arrived.pop(_STREAM_END, None)
        self.streaming = True
        self._send(("stream", job, args))

    def result(self, key: object) -> object:
        """A streamed task's result, waiting for it; FAILED if it raised, or the stream ended without it."""
        self._receive_until(key, _STREAM_END)
        return self.arrived.pop(key, self.arrived.get(_STREAM_END) or FAILED)

    def close(self) -> None:
        """Stop the worker: at once if it is still streaming (a failed build wants none of it), else when it
        has read the end of the requests."""
        if self.streaming and self.process.is_alive():
            self.process.kill()
        self._send(None)
        self.gone = True
        for connection in (self.requests, self.results_from):
            connection.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
