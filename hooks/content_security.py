"""Thin MkDocs adapter for the content security check (the rules live in hooks/xref/security.py).

Every page's Markdown is checked as the contributor wrote it; all problems of the build are reported together,
once, and fail the build before anything is written. Each built page gets a Content-Security-Policy that allows
the theme's own inline scripts by hash and nothing else inline.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xref import security  # noqa: E402

_problems: list[security.Problem] = []


def on_pre_build(config, **kwargs):
    _problems.clear()  # `mkdocs serve` rebuilds in the same process


def on_page_markdown(markdown, page, config, files, **kwargs):
    # The file as written (front matter included), so that line numbers are the contributor's.
    path = os.path.relpath(page.file.abs_src_path, os.path.dirname(config.config_file_path))
    _problems.extend(security.check_markdown(page.file.content_string, Path(path).as_posix()))
    return markdown


def on_env(env, config, files, **kwargs):
    if _problems:
        found = sorted(set(_problems))
        raise PluginError(f"content security: {len(found)} problem(s) in the Markdown; nothing was published.\n"
                          + security.format_problems(found))
    return env


@event_priority(-100)  # last, so that the hashes cover the page exactly as it is written to disk
def on_post_page(output, page, config, **kwargs):
    return security.apply_csp(output)


@event_priority(-100)
def on_post_template(output_content, template_name, config, **kwargs):
    return security.apply_csp(output_content)  # static pages such as 404.html are not pages to MkDocs
