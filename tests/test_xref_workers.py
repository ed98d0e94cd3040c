"""When the engine hands its per-page work to a worker process (workers.worker_count)."""
from __future__ import annotations

import os

import pytest

from xref.workers import MIN_PAGES, worker_count


@pytest.fixture(autouse=True)
def no_other_thread(monkeypatch):
    """Other tests of the session may leave a server thread running: these ones decide how many run."""
    monkeypatch.setattr("xref.workers.threading.active_count", lambda: 1)


def test_auto_uses_one_worker_for_a_large_build_on_two_cores(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert worker_count("auto", MIN_PAGES, "build") == 1
    assert worker_count(None, 5_000, "build") == 1


def test_auto_keeps_small_builds_serve_and_single_cores_in_process(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert worker_count("auto", MIN_PAGES - 1, "build") == 0
    assert worker_count("auto", 5_000, "serve") == 0
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert worker_count("auto", 5_000, "build") == 0


def test_zero_and_one_are_taken_as_they_are():
    assert worker_count(0, 5_000, "build") == 0
    assert worker_count(1, 3, "serve") == 1


@pytest.mark.parametrize("setting", ["many", -1, 2, 1.5, True, [1]])
def test_other_settings_are_refused_with_what_to_write(setting):
    with pytest.raises(ValueError, match=r"extra.xref.workers must be 'auto', 0 \(all work in the build's "
                                         r"process\) or 1 \(a worker process\), not "):
        worker_count(setting, 10, "build")


def test_no_worker_where_processes_cannot_be_forked(monkeypatch):
    monkeypatch.setattr("xref.workers.multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert worker_count(1, 5_000, "build") == 0
    assert worker_count("auto", 5_000, "build") == 0


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.setattr("xref.workers.threading.active_count", lambda: 2)
    assert worker_count(1, 5_000, "build") == 0
    assert worker_count("auto", 5_000, "build") == 0


def test_page_pool_returns_what_the_jobs_return_here():
    from xref.htmlpass import TermIndex, scan_html
    from xref.model import Term
    from xref.workers import PagePool

    index = TermIndex({"hive": Term("hive", "hive", "A home for bees.", "", []),
                       "queen": Term("queen", "queen bee", "The colony's mother.", "", [])})
    pages = {"a.md": "<p>The hive and the queen bee; see [[term:hive]].</p>",
             "b.md": "<h2>Hive</h2><p>A queen bee, a hive.</p>"}

    def fails(text):
        raise RuntimeError(text)

    pool = PagePool({"scan": lambda html: scan_html(html, index), "upper": str.upper, "fails": fails})
    for src, html in pages.items():
        pool.submit(("scan", src), "scan", html)
    pool.submit("word", "upper", "bees")
    results = pool.results()
    assert list(results) == [("scan", "a.md"), ("scan", "b.md"), "word"]
    assert results["word"] == "BEES"
    for src, html in pages.items():
        expected_html, expected_scan = scan_html(html, index)
        assert results[("scan", src)][0] == expected_html and 'data-term="queen"' in expected_html
        assert results[("scan", src)][1] == expected_scan


def test_a_job_that_fails_in_the_worker_is_done_again_here_and_raises_here():
    from xref.workers import PagePool

    here = os.getpid()

    def flaky(text):
        if os.getpid() != here:
            raise RuntimeError("only in the worker")
        return text * 2

    pool = PagePool({"flaky": flaky})
    pool.submit("k", "flaky", "ab")
    assert pool.results() == {"k": "abab"}
    pool = PagePool({"boom": lambda: 1 / 0})
    pool.submit("k", "boom")
    with pytest.raises(ZeroDivisionError):
        pool.results()
