"""Thin MkDocs adapter for the cross-reference engine in hooks/xref (plain Python, no MkDocs import there).

Build order in MkDocs 1.6: on_config, then every page's on_page_markdown and on_page_content, then on_env
(all pages done, nothing written yet: every problem is raised there, together), then per page on_page_context,
where placeholders are resolved before Material's search plugin indexes the page.
Options (mkdocs.yml, paths relative to it): extra: xref: {essay, edition, glossary, bibliography, essay_url,
workers}; with a worker, on_page_content hands the page to a worker process and on_page_context takes back its
final HTML (xref/run/).
"""
from __future__ import annotations

import logging
import os
import sys
import time
from functools import wraps
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # MkDocs loads hooks by path: make `xref` importable

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import CombinedEvent, event_priority, get_plugin_logger  # noqa: E402

from xref.check.encoding import encoding_problems, report as encoding_report  # noqa: E402
from xref.engine import Engine  # noqa: E402
from xref.run.worker import worker_count  # noqa: E402

logging.getLogger("jieba").setLevel(logging.WARNING)
_command: str | None = None     # "build", "serve" or "gh-deploy" (on_startup)
_engine: Engine | None = None  # this module is loaded afresh with each configuration (mkdocs serve reloads)
_seconds: dict[str, float] = {}  # CPU time spent in each of the engine's hooks (printed when XREF_TIMINGS is set)


def _timed(hook):
    @wraps(hook)
    def run(*args, **kwargs):
        start = time.process_time()  # CPU time: comparable on a busy machine
        try:
            return hook(*args, **kwargs)
        finally:
            _seconds[hook.__name__] = _seconds.get(hook.__name__, 0.0) + time.process_time() - start
    return run


@_timed
def on_config(config):
    global _engine
    options = (config.extra or {}).get("xref") or {}
    _engine = Engine.load(config.config_file_path, config.docs_dir, options, config.site_name, config.site_url,
                          notice=get_plugin_logger("xref").info)
    return config


def on_startup(command, dirty):
    global _command
    _command = command


@_timed
def on_files(files, config):
    pages = files.documentation_pages()     # MkDocs would stop on an unreadable one with a traceback
    unreadable = encoding_problems((_engine.settings.file_label(f.src_uri), f.content_bytes) for f in pages)
    if unreadable:
        raise PluginError(encoding_report(unreadable))
    _engine.documents = {file.src_uri for file in files.documentation_pages()}
    setting = ((config.extra or {}).get("xref") or {}).get("workers", "auto")
    try:
        _engine.start(worker_count(setting, len(_engine.documents), _command))
    except ValueError as error:
        raise PluginError(f"{config.config_file_path}: {error}") from None
    return files


@_timed
def on_page_markdown(markdown, page, config, files):
    markdown = _engine.page_markdown(page.file.src_uri, page.url, page.file.content_string, markdown, page.meta)
    search = _engine.search_meta(page.file.src_uri)
    if search is not None:
        page.meta["search"] = search        # Material's search reads this front-matter key
    title = _engine.numbered_title(page.file.src_uri)
    if title:
        page.meta["title"] = title          # MkDocs' page.title (nav, <title>) reads the front matter first
    return markdown


@event_priority(-100)   # last: a worker scans the HTML as every other plugin left it
@_timed
def on_page_content(html, page, config, files):
    return _engine.page_html(page.file.src_uri, html, page.title or "")


@_timed
def on_env(env, config, files):
    if _engine.finish([file.src_uri for file in files.documentation_pages() if file.page is not None]):
        raise PluginError(_engine.report())     # MkDocs then calls on_build_error, which stops the worker
    return env


_full_html: dict[str, str] = {}  # each page's final HTML while the search plugin reads the lean one


@event_priority(100)
@_timed
def _finalize(context, page, config, nav):
    """Placeholders are resolved before anything reads the page. Until the template renders it, page.content
    is the search text (xref/finalize/final_pass.py): Material's search (priority 0) indexes page.content and keeps
    the text of links but not their tags, so it indexes the same words from far fewer tags."""
    full, lean = _engine.final_html(page.file.src_uri, page.content or "")
    _full_html[page.file.src_uri] = full
    page.content = lean
    return context


@event_priority(-100)
def _restore_full_page(context, page, config, nav):
    page.content = _full_html.pop(page.file.src_uri, page.content)
    return context


on_page_context = CombinedEvent(_finalize, _restore_full_page)


def on_build_error(error):
    if _engine is not None:
        _engine.close()


def on_post_build(config):
    _engine.close()
    if os.environ.get("XREF_TIMINGS"):
        parts = " ".join(f"{name.lstrip('_').removeprefix('on_')}={seconds:.2f}" for name, seconds in _seconds.items())
        print(f"xref-engine-seconds: {sum(_seconds.values()):.3f} {parts}", file=sys.stderr)
