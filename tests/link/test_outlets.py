"""Outlets: registered domains offline, and groups of outlets that count as one voice."""

from __future__ import annotations

from pathlib import Path

from newstrace.link.outlets import load_groups, outlet_key, registered_domain


def test_registered_domain_uses_the_public_suffix_list_offline():
    assert registered_domain("https://www.harrowgazette.co.uk/world/2031/swap") == "harrowgazette.co.uk"
    assert registered_domain("news.tidewire.net") == "tidewire.net"
    assert registered_domain("The Corran Daily") is None
    assert registered_domain("localhost") is None
    assert registered_domain("") is None


def test_outlet_key_prefers_the_url_then_the_outlet_field():
    assert outlet_key("https://www.northlightpost.com/a", "Northlight Post") == "northlightpost.com"
    assert outlet_key(None, "www.northlightpost.com") == "northlightpost.com"
    assert outlet_key(None, "  The Corran   Daily ") == "the corran daily"
    assert outlet_key(None, None) is None


def test_shipped_groups_and_user_files_extend_them(tmp_path: Path):
    user = tmp_path / "mine.yaml"
    user.write_text("groups:\n  - name: Harrow Media\n    kind: owner\n"
                    "    outlets: [harrowgazette.com, https://www.harrowevening.com, The Corran Daily]\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe: [")
    groups = load_groups([user, bad])
    assert groups.group("harrowgazette.com") == groups.group("harrowevening.com") == "Harrow Media"
    assert groups.group("the corran daily") == "Harrow Media"
    assert groups.group("bbc.com") == groups.group("bbc.co.uk")  # a shipped group
    assert groups.group("unlisted.org") == "unlisted.org"
    assert groups.group(None) is None
