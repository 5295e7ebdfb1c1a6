"""Helpers for the extract tests: raw documents built from bytes or from the fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.model import RawDocument

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def raw():
    """Build a RawDocument from bytes (or a fixture name) with a content type and optional meta."""

    def make(content: bytes | str, content_type: str = "text", **meta) -> RawDocument:
        if isinstance(content, str):
            path = FIXTURES / content
            return RawDocument(uri=str(path), content=path.read_bytes(), content_type=content_type, meta=meta)
        return RawDocument(uri="test://inline", content=content, content_type=content_type, meta=meta)

    return make
