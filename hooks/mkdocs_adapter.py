"""Thin MkDocs adapter for the cross-reference engine (hooks/xref). Placeholder until the engine lands."""
