"""Shared metadata helpers: registered domain (offline), ISO dates, language."""

from __future__ import annotations

import pytest

from newstrace.extract.metadata import guess_language, iso_date, outlet_from_url


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.meridian-gazette.co.uk/politics/a", "meridian-gazette.co.uk"),
        ("http://news.orsk-herald.net/x?y=1", "orsk-herald.net"),
        ("https://varrick-post.com", "varrick-post.com"),
        ("/home/user/scrapes/a.txt", None),
        ("file:///tmp/a.html", None),
        ("", None),
        (None, None),
    ],
)
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-06", "2025-03-06"),
        ("2025-03-06T09:30:00Z", "2025-03-06T09:30:00+00:00"),
        ("Thu, 06 Mar 2025 09:30:00 GMT", "2025-03-06T09:30:00+00:00"),
        ("March 4, 2025", "2025-03-04"),
        ("not a date at all", None),
        (None, None),
    ],
)
def test_iso_date(value, iso):
    assert iso_date(value, languages=["en"]) == iso


def test_guess_language():
    assert guess_language("The council said that it would not meet again until the end of the month.") == "en"
    assert guess_language("Der Rat sagte, dass er sich erst am Ende des Monats wieder treffen werde.") == "de"
    assert guess_language("Le conseil a dit qu'il ne se réunirait pas avant la fin du mois.") == "fr"
    assert guess_language("42 17") is None


def test_outlet_from_footer_reads_the_copyright_line_only():
    from newstrace.extract.metadata import outlet_from_footer

    assert outlet_from_footer(["Related: www.otherpaper.com story", "© 2026 Gull Gazette | www.gullgazette.co.uk"]) == "gullgazette.co.uk"
    assert outlet_from_footer(["Read more at otherpaper.com"]) is None
    assert outlet_from_footer(["Copyright 2025 The Lantern. All rights reserved."]) is None
