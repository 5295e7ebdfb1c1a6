"""Whether two given articles are a reuse link, by the rules of the link stage's two reuse passes, without a store.

``link_store`` finds copies and excerpts among the pairs of articles that share MinHash band keys (``link.reuse``:
exact passages, ``verify``), and rewrites and shared origins among the pairs whose leads share rare words or that
report one story (``link.paraphrase``: sentences aligned on content words, ``reworded``). The Spark link step knows
its candidate pairs already (a self-join of the keys); ``pair_link`` applies the same rule to one pair, so the step
learns which candidate pairs are links at the cost of the comparisons alone: no store, no fingerprints, no stories,
no corroboration.
"""

from __future__ import annotations

from typing import Any

from newstrace.link.outlets import outlet_key
from newstrace.link.paraphrase import Sentence, reworded
from newstrace.link.reuse import ArticleRef, ReuseLink, Tokens, tokenize, verify


def article_ref_of(seq: int, row: dict[str, Any]) -> ArticleRef:
    """What the reuse passes read of a stored article row (``articles`` columns), with its corpus-wide ``seq``."""
    return ArticleRef(seq, row["id"], row.get("published"), outlet_key(row.get("url"), row.get("outlet")),
                      row.get("text") or "", row.get("outlet"), row.get("byline"), row.get("url"))


class PairChecker:
    """Checks candidate pairs of a set of articles, each article's tokens and sentences cut once."""

    def __init__(self, refs: dict[int, ArticleRef]) -> None:
        self.refs = refs
        self._tokens: dict[int, Tokens] = {}
        self._sentences: dict[str, list[Sentence]] = {}

    def _tok(self, seq: int) -> Tokens:
        if seq not in self._tokens:
            self._tokens[seq] = tokenize(self.refs[seq].text)
        return self._tokens[seq]

    def link(self, x: int, y: int, lead: bool) -> ReuseLink | None:
        """The reuse link of a candidate pair: by shared lead words (``lead``) a rewording, else exact passages."""
        a, b = self.refs[x], self.refs[y]
        if lead:
            return reworded(a, b, self._sentences)
        return verify(a, b, self._tok(x), self._tok(y))
