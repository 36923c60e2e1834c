"""Aligning the commitments of one meeting's record in two languages (a Japanese record and its English page).

A translation keeps the order of the points and what can be checked without understanding the words:
the parties named, the numbers, who is bound, the deadline window each reader found, the kind of
undertaking. Each pair of quotes is scored on those signals, then the best order-keeping matching is
chosen (a dynamic programme, like aligning two sequences): the English page is often shorter, so either
side may have points the other lacks, and those stay unaligned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .gazetteer import ja_party_mentions, party_mentions

# A pair must score above this to be aligned at all: below it, leaving both sides unaligned is better
# than a guess a reviewer would have to undo.
MINIMUM_SCORE = 0.25


@dataclass(frozen=True)
class Point:
    """One commitment or draft as the aligner sees it."""

    quote: str
    start: int  # offset in its record: only the order matters
    language: str  # "en" or "ja"
    kind: str = ""
    made_by: tuple[str, ...] = ()
    due_by: date | None = None


def _parties(point: Point) -> set[str]:
    mentions = ja_party_mentions(point.quote) if point.language == "ja" else party_mentions(point.quote)
    # Japan is in nearly every point of a Japanese ministry's record: it tells two points apart by nothing.
    return {m.code for m in mentions} - {"JPN"}


def _numbers(point: Point) -> set[str]:
    # NFKC makes the full-width digits of a Japanese text ("２０１８") the ASCII ones.
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+", unicodedata.normalize("NFKC", point.quote))}


def pair_score(a: Point, b: Point) -> float:
    """How alike two points are on signals that survive translation; higher is more alike."""
    score = 0.0
    if a.due_by is not None and b.due_by is not None:
        gap = abs((a.due_by - b.due_by).days)
        # The same phrase read in two languages can land a few weeks apart ("年明け早々" / "early in 2018").
        score += 2.0 if gap == 0 else 1.0 if gap <= 92 else -1.0
    elif (a.due_by is None) != (b.due_by is None):
        score -= 0.5
    if a.made_by and b.made_by:
        score += 1.0 if set(a.made_by) == set(b.made_by) else -0.5
    if a.kind and a.kind == b.kind:
        score += 0.5
    parties_a, parties_b = _parties(a), _parties(b)
    if parties_a or parties_b:
        shared = len(parties_a & parties_b)
        score += shared - 0.5 * len(parties_a ^ parties_b)
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a and numbers_b:
        score += 1.0 if numbers_a & numbers_b else -0.5
    return score


# Each point skipped on one side but not the other between two consecutive alignments costs this much: a
# translation keeps the order of the points, and drops or adds few of them. Points left over at the end cost
# nothing, because stored pages are often cut short.
SKEW_COST = 0.75


def points_align(left: Sequence[Point], right: Sequence[Point]) -> dict[int, int]:
    """The best order-keeping matching of `left` to `right` (index to index); unmatched points are absent."""
    n, m = len(left), len(right)
    order_left = sorted(range(n), key=lambda i: left[i].start)
    order_right = sorted(range(m), key=lambda j: right[j].start)
    gain = [[pair_score(left[order_left[i]], right[order_right[j]]) for j in range(m)] for i in range(n)]
    # best[(i, j)]: the best total of a matching whose last pair is (i, j), and the pair before it.
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {}
    for i in range(n):
        for j in range(m):
            value, previous = gain[i][j] - SKEW_COST * abs(i - j) - MINIMUM_SCORE, None
            for (pi, pj), (total, _) in best.items():
                if pi < i and pj < j:
                    candidate = total + gain[i][j] - SKEW_COST * abs((i - pi) - (j - pj)) - MINIMUM_SCORE
                    if candidate > value:
                        value, previous = candidate, (pi, pj)
            if value > 0:
                best[(i, j)] = (value, previous)
    matches: dict[int, int] = {}
    last = max(best, key=lambda pair: best[pair][0], default=None)
    while last is not None:
        matches[order_left[last[0]]] = order_right[last[1]]
        last = best[last][1]
    return matches
