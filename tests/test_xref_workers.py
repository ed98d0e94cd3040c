"""When the engine hands its per-page work to a worker process (workers.worker_count)."""
from __future__ import annotations

import multiprocessing
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


def test_worker_returns_what_the_jobs_return_here():
    from xref.htmlpass import TermIndex, scan_html
    from xref.model import Term
    from xref.workers import Worker

    index = TermIndex({"hive": Term("hive", "hive", "A home for bees.", "", []),
                       "queen": Term("queen", "queen bee", "The colony's mother.", "", [])})
    pages = {"a.md": "<p>The hive and the queen bee; see [[term:hive]].</p>",
             "b.md": "<h2>Hive</h2><p>A queen bee, a hive.</p>"}
    worker = Worker({"scan": lambda html: scan_html(html, index), "upper": str.upper})
    for src, html in pages.items():
        worker.submit(("scan", src), "scan", html)
    worker.submit("word", "upper", "bees")
    results = worker.collect()
    assert list(results) == [("scan", "a.md"), ("scan", "b.md"), "word"]
    assert results["word"] == "BEES"
    for src, html in pages.items():
        expected_html, expected_scan = scan_html(html, index)
        assert results[("scan", src)][0] == expected_html and 'data-term="queen"' in expected_html
        assert results[("scan", src)][1] == expected_scan
    worker.submit("again", "upper", "wax")          # the worker goes on after a collect
    assert worker.collect() == {"again": "WAX"}
    worker.close()
    assert worker.process.exitcode == 0             # it ended on its own, not killed


def test_what_a_job_changes_stays_in_the_worker_for_later_jobs():
    """How the engine works: scans kept in the worker, then the final pass streamed from them."""
    from functools import partial

    from xref.workers import FAILED, Worker

    kept: dict[str, str] = {}

    def keep(key, text):
        kept[key] = text
        return len(text)

    def shout_all(order):
        return ((key, partial(str.upper, kept[key])) for key in order)

    worker = Worker({"keep": keep, "shout": shout_all})
    worker.submit("a", "keep", "a", "hive")
    worker.submit("b", "keep", "b", "comb")
    assert worker.collect() == {"a": 4, "b": 4}
    assert kept == {}                               # kept in the worker's memory, not here
    worker.stream("shout", ["b", "a"])
    assert worker.result("a") == "HIVE"              # results may be read in any order
    assert worker.result("b") == "COMB"
    assert worker.result("c") == FAILED              # never sent: no waiting for ever
    worker.close()


def test_work_that_fails_in_the_worker_comes_back_as_failed():
    from functools import partial

    from xref.workers import FAILED, Worker, failed

    def tasks(order):
        return ((key, partial(lambda k: 1 / 0 if k == "bad" else k * 2, key)) for key in order)

    def no_tasks(order):
        raise RuntimeError("the stream itself fails")

    worker = Worker({"boom": lambda: 1 / 0, "ok": lambda: "fine", "tasks": tasks, "none": no_tasks})
    worker.submit("x", "boom")
    worker.submit("y", "ok")
    assert worker.collect() == {"x": FAILED, "y": "fine"}
    worker.stream("tasks", ["ok", "bad", "end"])
    assert [worker.result(k) for k in ("ok", "bad", "end")] == ["okok", FAILED, "endend"]
    worker.stream("none", ["ok"])
    assert failed(worker.result("ok"))
    worker.close()


def test_a_worker_that_dies_makes_everything_failed_without_hanging():
    from xref.workers import FAILED, Worker

    worker = Worker({"exit": lambda: os._exit(3), "ok": lambda: "fine"})
    worker.submit("x", "exit")
    worker.submit("y", "ok")
    assert worker.collect() == {"x": FAILED, "y": FAILED}
    worker.stream("ok")
    assert worker.result("y") == FAILED
    worker.close()
    assert worker.process.exitcode == 3


# --- the engine falls back to doing the work itself --------------------------------------------------------------

def build_in_this_process(project, site, monkeypatch):
    """Build with MkDocs in the test's own process, so that a test can make the worker (a fork of it) fail."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.suffix in (".html", ".json")}


@pytest.fixture(scope="module")
def reference_site(tmp_path_factory):
    """The fixture handbook built with no worker, as the others must come out."""
    from test_xref_integration import fixture_with_workers

    folder = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return build_in_this_process(fixture_with_workers(folder, 0), folder / "site", monkeypatch)


def spy(monkeypatch, cls, name) -> list:
    """Record each call of cls.name in this process."""
    calls, method = [], getattr(cls, name)

    def recorded(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)
    monkeypatch.setattr(cls, name, recorded)
    return calls


def only_in_the_worker(function, when=lambda *args: True):
    """`function`, raising when called in another process (the worker) and `when` holds for its arguments."""
    here = os.getpid()

    def wrapped(*args, **kwargs):
        if os.getpid() != here and when(*args):
            raise RuntimeError("fails in the worker only")
        return function(*args, **kwargs)
    return wrapped


@pytest.mark.parametrize("method, when", [
    ("_scan", lambda self, content, *rest: "the colony as a city" in content),       # before on_env
    ("finalize_pair", lambda self, src, content: src == "chapters/seasons.md"),        # after on_env
    ("_finalize_in_order", lambda *args: True),                                         # the whole final pass
])
def test_work_failing_in_the_worker_is_done_here_with_the_same_result(tmp_path, monkeypatch, reference_site,
                                                                      method, when):
    from test_xref_integration import fixture_with_workers
    from xref.engine import Engine

    monkeypatch.setattr(Engine, method, only_in_the_worker(getattr(Engine, method), when))
    taken_over = spy(monkeypatch, Engine, "_work_here")
    built = build_in_this_process(fixture_with_workers(tmp_path, 1), tmp_path / "site", monkeypatch)
    assert len(taken_over) == 1
    assert built == reference_site


def test_a_page_changed_after_its_scan_is_finalized_from_the_change(tmp_path, monkeypatch, reference_site):
    """Another plugin may change a page between its scan (on_page_content, last) and the final pass
    (on_page_context, first): the worker's result would lose the change, so the build takes over."""
    from test_xref_integration import fixture_with_workers

    from xref.engine import Engine

    taken_over = spy(monkeypatch, Engine, "_work_here")
    results = {}
    for workers in (0, 1):
        project = fixture_with_workers(tmp_path, workers)
        (project / "append.py").write_text(
            "from mkdocs.plugins import event_priority\n\n\n"
            "@event_priority(200)\n"
            "def on_page_context(context, page, config, nav):\n"
            "    if page.file.src_uri == 'about.md':\n"
            "        page.content += '<p>Appended by another plugin.</p>'\n"
            "    return context\n", encoding="utf-8")
        config = (project / "mkdocs.yml").read_text(encoding="utf-8")
        (project / "mkdocs.yml").write_text(config.replace("hooks:\n", "hooks:\n- append.py\n"), encoding="utf-8")
        results[workers] = build_in_this_process(project, tmp_path / f"site-{workers}", monkeypatch)
    assert len(taken_over) == 1
    assert "Appended by another plugin." in results[1]["about/index.html"].decode()
    assert results[0] == results[1]
    assert {k: v for k, v in results[1].items() if k != "about/index.html" and "search" not in k} == \
           {k: v for k, v in reference_site.items() if k != "about/index.html" and "search" not in k}


def test_a_check_failing_in_the_worker_is_done_here_and_still_fails_the_build(tmp_path, monkeypatch, caplog):
    from mkdocs.exceptions import Abort

    from test_xref_integration import fixture_with_workers
    from xref.engine import Engine

    project = fixture_with_workers(tmp_path, 1)
    chapter = project / "docs" / "chapters" / "hive.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSee [this](nowhere.md).\n", encoding="utf-8")
    monkeypatch.setattr(Engine, "_source_problems", only_in_the_worker(Engine._source_problems))
    checked_here = spy(monkeypatch, Engine, "_source_problems")
    with pytest.raises(Abort):
        build_in_this_process(project, tmp_path / "site", monkeypatch)
    assert "the link to 'nowhere.md' leads to no page" in caplog.text
    assert len(checked_here) >= 8        # every page's check failed in the worker and was done here
    assert not (tmp_path / "site" / "chapters").exists()
    assert multiprocessing.active_children() == []    # the failed build stopped its worker (on_build_error)
