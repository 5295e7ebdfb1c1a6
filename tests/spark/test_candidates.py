"""The Spark link step compares the pairs of articles the link code compares: the same MinHash band pairs, the same
per-article cap on them (``MAX_CANDIDATES``, most shared keys first, then the smallest ``seq``), the same hot keys."""

from __future__ import annotations

import random

import pytest

from newstrace.link.reuse import BUCKET_CAP, MAX_CANDIDATES, candidates
from newstrace.store.sqlite import Store

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def test_band_pairs_and_their_cap_are_the_link_code_s(spark, tmp_path) -> None:
    from newstrace.spark.linking import candidate_pairs

    rng = random.Random(3)
    n = 90
    keys = {s: set(rng.sample(range(300), 40)) | {999} for s in range(1, n + 1)}  # 999: in every article, hot
    with Store(tmp_path / "c.db") as store:
        store.conn.executemany("INSERT INTO reuse_bands(band_key, article_seq) VALUES (?,?)",
                               sorted((k, s) for s, ks in keys.items() for k in ks))
        best = candidates(store.conn, keys)
    assert n > BUCKET_CAP and max(len(c) for c in best.values()) == MAX_CANDIDATES  # the cap binds
    want = {(min(s, o), max(s, o)) for s, os in best.items() for o in os}
    frame = spark.createDataFrame([(s, f"r:{k}", None) for s, ks in keys.items() for k in sorted(ks)],
                                  "seq long, key string, day string")
    got = {(r["x"], r["y"]) for r in candidate_pairs(frame).collect() if not r["lead"]}
    assert len(want) < n * (n - 1) // 2  # some pairs are no one's best
    assert got == want
