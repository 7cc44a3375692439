"""The extractor registry: one small module per kind of file, behind one protocol.

Adding a language (JS/TS, Go, Java) is a new module with an `EXTRACTOR` and one line here.
"""
from __future__ import annotations

from ..extractors import codeowners, files, manifests, python
from ..extractors.base import Context, Extractor

REGISTRY: dict[str, Extractor] = {
    e.name: e for e in (files.EXTRACTOR, python.EXTRACTOR, manifests.EXTRACTOR, codeowners.EXTRACTOR)
}

__all__ = ["REGISTRY", "Context", "Extractor"]
