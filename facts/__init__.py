"""Fact extraction: a git tree (and a change) in, facts with sources out.

This package never imports `govern` (enforced by adr/0002).
"""
