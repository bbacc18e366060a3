"""How different a campaign's texts are from one another.

* distinct: the share of texts no other recipient got;
* pairs distinct beyond the name: the share of pairs of texts that still differ
  once each recipient's name (full and first) is taken out of their text;
* word distance: 1 - Jaccard similarity of two texts' sets of words (lower case,
  names taken out), averaged over every pair: 0 means the same words, 1 none
  in common; and the share of pairs sharing less than 80% of their words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Variety:
    texts: int
    distinct: float
    pairs_distinct_beyond_name: float
    mean_word_distance: float
    pairs_mostly_different: float


def without_name(text: str, name: str | None) -> str:
    if not name or not name.strip():
        return text
    for part in sorted({name.strip(), name.strip().split()[0]}, key=len, reverse=True):
        text = text.replace(part, "")
    return text


def measure(texts: Sequence[str], names: Sequence[str | None]) -> Variety:
    stripped = [without_name(text, name) for text, name in zip(texts, names, strict=True)]
    words = [frozenset(_WORDS.findall(text.casefold())) for text in stripped]
    pairs = len(texts) * (len(texts) - 1) // 2
    differing = 0
    distance_sum = 0.0
    mostly_different = 0
    for (a, b), (wa, wb) in zip(
        itertools.combinations(stripped, 2), itertools.combinations(words, 2), strict=True
    ):
        differing += a != b
        union = len(wa | wb)
        distance = 1.0 - (len(wa & wb) / union if union else 1.0)
        distance_sum += distance
        mostly_different += distance > 0.2
    return Variety(
        texts=len(texts),
        distinct=len(set(texts)) / len(texts),
        pairs_distinct_beyond_name=differing / pairs,
        mean_word_distance=distance_sum / pairs,
        pairs_mostly_different=mostly_different / pairs,
    )
