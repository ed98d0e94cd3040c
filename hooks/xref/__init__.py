"""The handbook's cross-reference engine: plain Python, no MkDocs import (hooks/mkdocs_adapter.py wires it in).

Modules: model (data classes), problems (collect and format build errors), yamlsrc (YAML with line numbers),
glossary, bibliography, essay, markdown_pass (line-based Markdown work), htmlpass (one lxml pass per page:
autolinks and [[kind:id]] tokens), references (resolution), render (generated pages, backlinks), engine (state).
"""
