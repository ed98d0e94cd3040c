"""Thin MkDocs adapter for the Content-Security-Policy (the policy lives in hooks/xref/finalize/csp.py).

Each built page gets a policy that allows the theme's own inline scripts by hash and nothing else inline.
The content rules (raw scripts, event handlers, external resources, ...) run inside the cross-reference engine
(hooks/xref/check/content_rules.py), so that all problems of a build are reported in one list.
"""
from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xref.finalize import csp  # noqa: E402


@event_priority(-100)  # last, so that the hashes cover the page exactly as it is written to disk
def on_post_page(output, page, config, **kwargs):
    return csp.apply_csp(output)


@event_priority(-100)
def on_post_template(output_content, template_name, config, **kwargs):
    return csp.apply_csp(output_content)  # static pages such as 404.html are not pages to MkDocs
