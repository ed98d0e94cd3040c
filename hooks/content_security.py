"""Thin MkDocs adapter for the content security check. Placeholder until the check lands."""
