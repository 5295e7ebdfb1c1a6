"""Registered domains ("www.bbc.co.uk/news" -> "bbc.co.uk"): what names an outlet in extraction and in linking.

The public-suffix list is the snapshot bundled with ``tldextract``: never downloaded, never cached on disk, so
this works offline and leaves no files behind.
"""

from __future__ import annotations

from functools import lru_cache

import tldextract


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(value: str) -> str | None:
    """The registered domain of a URL or host name (lower case), or None when it has none ("localhost", an IP
    address, a malformed URL)."""
    try:
        ext = _extractor()(value.strip())
    except Exception:  # noqa: BLE001 - a malformed URL just has no registered domain
        return None
    if not ext.domain or not ext.suffix:
        return None
    return f"{ext.domain}.{ext.suffix}".lower()
