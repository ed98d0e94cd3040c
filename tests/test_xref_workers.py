"""The per-page work in this process or in a worker process (xref/run/): when a worker is used, that the
forked runner gives what the in-process one gives whatever fails, and that it says so in the log."""
from __future__ import annotations

import logging
import multiprocessing
import os

import pytest

from xref.run.worker import MIN_PAGES, worker_count


@pytest.fixture(autouse=True)
def no_other_thread(monkeypatch):
    """Other tests of the session may leave a server thread running: these ones decide how many run."""
    monkeypatch.setattr("xref.run.worker.threading.active_count", lambda: 1)


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
    monkeypatch.setattr("xref.run.worker.multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert worker_count(1, 5_000, "build") == 0
    assert worker_count("auto", 5_000, "build") == 0


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.setattr("xref.run.worker.threading.active_count", lambda: 2)
    assert worker_count(1, 5_000, "build") == 0
    assert worker_count("auto", 5_000, "build") == 0


def test_worker_returns_what_the_jobs_return_here():
    from xref.scan.html_scan import scan_html
    from xref.load.term_index import TermIndex
    from xref.core.model import Term
    from xref.run.worker import Worker

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

    from xref.run.worker import FAILED, Worker

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

    from xref.run.worker import FAILED, Worker, failed

    def tasks(order):
        return ((key, partial(lambda k: 1 / 0 if k == "bad" else k * 2, key)) for key in order)

    def no_tasks(order):
        raise RuntimeError("the stream itself fails")

    worker = Worker({"boom": lambda: 1 / 0, "ok": lambda: "fine", "tasks": tasks, "none": no_tasks})
    worker.submit("x", "boom")
    worker.submit("y", "ok")
    results = worker.collect()
    assert results["y"] == "fine" and failed(results["x"])
    assert "Traceback" in results["x"].traceback and "ZeroDivisionError" in results["x"].traceback
    worker.stream("tasks", ["ok", "bad", "end"])
    ok, bad, end = (worker.result(k) for k in ("ok", "bad", "end"))
    assert (ok, end) == ("okok", "endend") and failed(bad) and "ZeroDivisionError" in bad.traceback
    worker.stream("none", ["ok"])
    lost = worker.result("ok")
    assert failed(lost) and "the stream itself fails" in lost.traceback
    assert not failed("xref-worker-failed") and failed(FAILED)   # a failure is a type, not a magic string
    worker.close()


def test_a_worker_that_dies_makes_everything_failed_without_hanging():
    from xref.run.worker import FAILED, Worker

    worker = Worker({"exit": lambda: os._exit(3), "ok": lambda: "fine"})
    worker.submit("x", "exit")
    worker.submit("y", "ok")
    assert worker.collect() == {"x": FAILED, "y": FAILED}
    worker.stream("ok")
    assert worker.result("y") == FAILED
    worker.close()
    assert worker.process.exitcode == 3


# --- the runners: in this process, or forked, behind one interface -----------------------------------------------

PAGES = {
    "glossary.md": "<h2 id='queen'>queen</h2><p>She lays the eggs; see [[term:swarm]].</p>",
    "a.md": "<p>The queen of the colony; see [[term:swarm]], [[p:1]] and [[sec:b#cold]].</p>",
    "b.md": "<h2 id='cold'>Cold</h2><p>A swarm leaves with the old queen; the colony stays. [[ch:a]]</p>",
}


def fixture_data():
    from support.handbooks import FIXTURE
    from xref.load.data import Settings, load_data

    options = {"essay": "essay/source.txt", "edition": "essay/edition.yml", "glossary": "data/glossary.yml"}
    data, problems = load_data(Settings.from_config(str(FIXTURE / "mkdocs.yml"), str(FIXTURE / "docs"), options))
    assert problems == []
    return data


def run_pages(runner) -> tuple[list, dict]:
    """Hand PAGES to `runner` the way the engine does, in build order: (every problem, each page's output)."""
    from xref.core.model import PageInfo
    from xref.finalize.final_pass import Snapshot
    from xref.registry.registry import Registry

    data = runner.work.data
    registry = Registry(data.terms, data.sources, set(data.essay.paragraphs))
    registry.special["glossary"] = "glossary.md"
    scanned = {}
    for src, html in PAGES.items():
        page = PageInfo(src, src.removesuffix(".md") + "/", f"docs/{src}", f"# {src}\n\n[x](nowhere.md)\n", 0,
                        {"id": src.removesuffix(".md")}, kind="glossary" if src == "glossary.md" else "page")
        registry.pages[src] = page
        runner.check(page)
        scanned[src] = runner.scan(page, html)
    problems = runner.collect(registry, {}, list(PAGES))
    snapshot = Snapshot(registry.freeze(), {})
    output = {src: runner.final(src, scanned[src], snapshot) for src in PAGES}
    runner.close()
    return sorted(problems), output


def failing_work(data, job: str):
    """The runners' per-page jobs, with `job` raising in the worker process only."""
    from dataclasses import dataclass, field

    from xref.run.runners import PageWork

    @dataclass(frozen=True)
    class FailsInTheWorker(PageWork):
        job: str = ""
        home: int = field(default_factory=os.getpid)

        def fail(self, name: str, when: bool = True) -> None:
            if name == self.job and when and os.getpid() != self.home:
                raise RuntimeError(f"the {name} fails in the worker only")

        def check(self, raw, file, src):
            self.fail("check", src == "a.md")
            return super().check(raw, file, src)

        def scan(self, html, autolink, scope):
            self.fail("scan", "colony" in html)
            return super().scan(html, autolink, scope)

        def finalize(self, src, html, snapshot):
            self.fail("finalize", src == "b.md")
            return super().finalize(src, html, snapshot)

    return FailsInTheWorker(data, frozenset(PAGES), job=job)


@pytest.mark.parametrize("job, what", [
    ("", None),                                                      # nothing fails: no word in the log
    ("check", "the worker's check of a.md failed"),
    ("scan", "the worker's scan of a.md failed"),                    # before the checks: every page is rescanned
    ("finalize", "the worker's final pass of b.md failed"),           # after the checks
])
def test_the_forked_runner_gives_what_the_in_process_one_gives_and_logs_each_fallback(job, what):
    from xref.run.runners import ForkedRunner, InProcessRunner, PageWork

    data = fixture_data()
    expected = run_pages(InProcessRunner(PageWork(data, frozenset(PAGES))))
    assert expected[0] and "leads to no page" in expected[0][0].message    # the checks ran
    assert 'href="../glossary/#swarm"' in expected[1]["a.md"][0]          # the references resolved
    notices: list[str] = []
    assert run_pages(ForkedRunner(failing_work(data, job), notices.append)) == expected
    if what is None:
        assert notices == []
        return
    first, *traceback = notices[0].split("\n")
    assert first == f"{what}; the build goes on in this process"
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == f"RuntimeError: the {job} fails in the worker only"


# --- a build with a worker: the same site, whatever fails -----------------------------------------------------------

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
    from support.handbooks import fixture_with_workers

    folder = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return build_in_this_process(fixture_with_workers(folder, 0), folder / "site", monkeypatch)


def test_a_page_changed_after_its_scan_is_finalized_from_the_change(tmp_path, monkeypatch, reference_site, caplog):
    """Another plugin may change a page between its scan (on_page_content, last) and the final pass
    (on_page_context, first): the worker's result would lose the change, so the build takes over."""
    from support.handbooks import fixture_with_workers

    caplog.set_level(logging.INFO)
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
    notices = [r.getMessage() for r in caplog.records if "the build goes on in this process" in r.getMessage()]
    assert notices == ["xref: about.md changed after the worker scanned it (another plugin); "
                       "the build goes on in this process"]
    assert "Appended by another plugin." in results[1]["about/index.html"].decode()
    assert results[0] == results[1]
    assert {k: v for k, v in results[1].items() if k != "about/index.html" and "search" not in k} == \
           {k: v for k, v in reference_site.items() if k != "about/index.html" and "search" not in k}


def test_a_check_failing_in_the_worker_is_done_here_and_still_fails_the_build(tmp_path, monkeypatch, caplog):
    from mkdocs.exceptions import Abort

    from support.handbooks import fixture_with_workers
    from xref.run.runners import PageWork

    caplog.set_level(logging.INFO)
    project = fixture_with_workers(tmp_path, 1)
    chapter = project / "docs" / "chapters" / "hive.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSee [this](nowhere.md).\n", encoding="utf-8")
    here = os.getpid()
    check = PageWork.check

    def fails_in_the_worker(self, *args):
        if os.getpid() != here:
            raise RuntimeError("fails in the worker only")
        return check(self, *args)
    monkeypatch.setattr(PageWork, "check", fails_in_the_worker)
    with pytest.raises(Abort):
        build_in_this_process(project, tmp_path / "site", monkeypatch)
    assert "the link to 'nowhere.md' leads to no page" in caplog.text
    assert "xref: the worker's check of chapters/hive.md failed; the build goes on in this process" in caplog.text
    assert not (tmp_path / "site" / "chapters").exists()
    assert multiprocessing.active_children() == []    # the failed build stopped its worker (on_build_error)
