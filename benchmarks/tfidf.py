"""The TF-IDF baseline the story benchmarks share: unit-length vectors of a set of texts, their cosine, and the
one-pass clustering over them.

Log term frequency and smoothed inverse document frequency over the texts given (one ECB+ topic, one corpus), the
words being runs of letters of three or more, spaCy's English stop words left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from newstrace.link.stories import stop_words

WORD = re.compile(r"[^\W\d_]+")


def vectors(texts: list[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (1 + ln tf, ln((1 + n) / (1 + df))) of the texts, in order."""
    stop = stop_words()
    bags = [Counter(w for w in WORD.findall(t.casefold()) if w not in stop and len(w) > 2) for t in texts]
    df: Counter[str] = Counter()
    for b in bags:
        df.update(b.keys())
    n = len(texts)
    out = []
    for b in bags:
        v = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w])) for w, c in b.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def cos(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine of two unit-length vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def single_pass(vecs: list[dict[str, float]], threshold: float) -> list[int]:
    """A cluster label per vector, in order: each joins the cluster of the most similar earlier vector when that
    cosine reaches ``threshold``, else founds its own (labelled by its index)."""
    labels: list[int] = []
    for k in range(len(vecs)):
        best, lab = 0.0, None
        for j in range(k):
            s = cos(vecs[k], vecs[j])
            if s > best:
                best, lab = s, labels[j]
        labels.append(lab if lab is not None and best >= threshold else k)
    return labels
