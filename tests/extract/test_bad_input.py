"""Bad input: a clear ExtractError with a reason, or a best effort; never a crash."""

from __future__ import annotations

import os

import pytest

from newstrace.extract import ExtractError, extract
from newstrace.extract.decode import decode, looks_binary

PROSE_2 = (
    "A second café on the quay, run by the same family since the naïve years of the old harbour, reported a "
    "quieter month, and its owner’s résumé of the season was just as gloomy."
)
PROSE = (
    "The café owner in Port Alesse said the naïve plan to close the quay road had cost her a month of "
    "trade, and that the council’s résumé of the works was wrong."
)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
@pytest.mark.parametrize("kind", ["text", "html"])
def test_empty_documents(raw, content, kind):
    with pytest.raises(ExtractError, match="empty document"):
        extract(raw(content, kind))


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
        b"\x1f\x8b\x08\x00" + os.urandom(4000),
        bytes(range(256)) * 40,
    ],
)
def test_binary_documents(raw, content):
    with pytest.raises(ExtractError, match="binary or undecodable content"):
        extract(raw(content))


def test_invalid_utf8_is_replaced_not_fatal(raw):
    content = PROSE.encode("utf-8") + b" \xff\xfe\xfa stray bytes." + b"\n\n" + PROSE.encode("utf-8")
    art = extract(raw(content))
    assert "café" in art.text and "résumé" in art.text
    assert "stray bytes" in art.text


def test_mixed_utf8_and_windows_1252(raw):
    content = PROSE.encode("utf-8") + b"\n\n" + PROSE_2.encode("windows-1252")
    art = extract(raw(content))
    assert art.text.count("café") == 2
    assert "council’s" in art.text and "owner’s résumé" in art.text
    assert "\ufffd" not in art.text


def test_windows_1252_declared_by_the_transport(raw):
    content = PROSE.encode("windows-1252")
    art = extract(raw(content, charset="windows-1252"))
    assert "café" in art.text and "council’s" in art.text
    assert art.meta["encoding"] == "cp1252"


def test_windows_1252_declared_in_a_meta_tag(raw):
    page = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"
        "<title>Quay road</title></head><body><article><p>" + PROSE + "</p><p>" + PROSE + "</p></article></body></html>"
    ).encode("windows-1252")
    art = extract(raw(page, "html"))
    assert "café" in art.text and "council’s" in art.text


def test_undeclared_legacy_encoding_is_guessed(raw):
    art = extract(raw((PROSE + "\n\n" + PROSE).encode("windows-1252")))
    assert "café" in art.text and "naïve" in art.text


def test_utf16_with_bom(raw):
    art = extract(raw("\ufeff".encode("utf-16-le") + PROSE.encode("utf-16-le")))
    assert art.text.startswith("The café owner")


def test_a_wrong_declaration_falls_back(raw):
    content = PROSE.encode("utf-8")
    art = extract(raw(content, charset="no-such-charset"))
    assert "café" in art.text


def test_oversized_document_is_a_failure(raw, monkeypatch):
    monkeypatch.setenv("NEWSTRACE_MAX_BYTES", "1000")
    with pytest.raises(ExtractError, match="too large"):
        extract(raw(PROSE.encode("utf-8") * 20))


def test_collect_error_is_passed_on(raw):
    doc = raw(b"")
    doc.error = "truncated gzip stream"
    with pytest.raises(ExtractError, match="truncated gzip stream"):
        extract(doc)


def test_only_chrome_is_no_article(raw):
    with pytest.raises(ExtractError, match="no article text found"):
        extract(raw(b"Home\nAbout\nContact\nSubscribe\n\xc2\xa9 2025 Example Media"))


def test_huge_html_single_line(raw):
    page = ("<html><body><article><p>" + PROSE * 20000 + "</p></article></body></html>").encode("utf-8")
    art = extract(raw(page, "html"))
    assert art.text.startswith("The café owner")


def test_decode_reports_the_encoding():
    assert decode(b"plain ascii")[1] == "utf-8"
    assert decode("\ufeffx".encode("utf-8"))[1] == "utf-8"
    assert looks_binary(b"\x00\x01\x02" * 100)
    assert not looks_binary(PROSE.encode("utf-8"))


def test_utf8_wins_over_a_wrong_latin1_declaration(raw):
    art = extract(raw((PROSE + "\n\n" + PROSE_2).encode("utf-8"), charset="iso-8859-1"))
    assert "café" in art.text and "Ã" not in art.text
