"""The engine for one build: runs the stages in order and keeps what passes between them. No stage's work is
done here.

The MkDocs adapter calls, in build order: Engine.load (on_config: stage 1, the data), start (on_files: the
runner), page_markdown (on_page_markdown: stage 2), page_html (on_page_content: stages 3 and 4 per page, through
the runner), finish (on_env: stage 4 across pages; every problem, raised together), final_html
(on_page_context: stage 5), close (at the end, or when the build fails).
"""
from __future__ import annotations

import logging

from .check.cross_page import cross_page_problems
from .core.markdown_syntax import body_offset
from .core.model import PageInfo
from .core.problems import Problem, ProblemLog
from .finalize.final_pass import Snapshot
from .finalize.search import search_meta, searchable
from .load.data import Data, Settings, load_data
from .markdown.page_step import MarkdownStep
from .registry.registry import Registry
from .run.runners import InProcessRunner, Notice, PageWork, make_runner


class Engine:
    def __init__(self, settings: Settings, notice: Notice | None = None) -> None:
        self.settings = settings
        self.notice = notice or logging.getLogger("xref").info
        self.log = ProblemLog()
        self.data: Data
        self.data, problems = load_data(settings)
        self.log.extend(problems)
        self.data_files = tuple(self.data.data_files(self.settings))   # read once: where tokens of no page come from
        self.registry = Registry.for_data(self.data)
        self.markdown = MarkdownStep(self.data, settings, self.registry, self.log)
        self.documents: set[str] = set()  # every Markdown page of the build, by source path (set from on_files)
        self.runner: InProcessRunner | None = None
        self.snapshot: Snapshot | None = None

    @classmethod
    def load(cls, config_file: str, docs_dir: str, options: dict | None, site_name: str = "",
             site_url: str = "", notice: Notice | None = None) -> Engine:
        return cls(Settings.from_config(config_file, docs_dir, options, site_name, site_url), notice)

    def start(self, workers: int) -> None:
        """Run the per-page work in this process (0) or in a worker process (1) from now on."""
        work = PageWork(self.data, frozenset(self.documents), self.data_files)
        self.runner = make_runner(workers, work, self.notice)

    def page_markdown(self, src: str, url: str, raw: str, markdown: str, meta: dict) -> str:
        if self.runner is None:
            self.start(0)
        page = PageInfo(src=src, url=url, file=self.settings.file_label(src), raw=raw,
                        offset=body_offset(raw, markdown), meta=dict(meta or {}),
                        title=str((meta or {}).get("title") or ""))
        self.runner.check(page)
        return self.markdown.page(page, markdown)

    def searchable(self, src: str) -> bool:
        return searchable(self.registry.pages.get(src))

    def search_meta(self, src: str) -> dict | None:
        """The `search` front matter MkDocs' page should get (None: leave it as it is)."""
        return search_meta(self.registry.pages.get(src))

    def numbered_title(self, src: str) -> str:
        """The page's title with its chapter number ("2. The middleman trap"), or "" to leave it."""
        page = self.registry.pages.get(src)
        return page.numbered_title if page is not None and page.chapter is not None else ""

    def page_html(self, src: str, content: str, title: str = "") -> str:
        page = self.registry.pages[src]
        page.title = page.title or title
        return self.runner.scan(page, content)

    def finish(self, order: list[str] = ()) -> list[Problem]:
        """Every problem of the build; empty when it may be published. `order`: the source paths of the pages in
        build order, for a worker to make their final HTML ahead of final_html."""
        self.log.extend(self.runner.collect(self.registry, self.markdown.figure_html, list(order)))
        self.snapshot = Snapshot(self.registry.freeze(), self.markdown.figure_html)
        self.log.extend(cross_page_problems(self.registry, self.snapshot.resolutions,
                                            list(self.data_files), self.settings.label("edition")))
        return list(self.log.problems)

    def report(self) -> str:
        return self.log.report()

    def final_html(self, src: str, content: str) -> tuple[str, str]:
        """(the page's final HTML, the text a search index should read): finalize/final_pass.py."""
        return self.runner.final(src, content, self.snapshot)

    def close(self) -> None:
        """Stop the runner's worker, if any (a failed build, or the end of one)."""
        if self.runner is not None:
            self.runner.close()
