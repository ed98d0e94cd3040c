"""Offline editions of the handbook: a print PDF, an EPUB 3 and an offline copy of the website."""
