"""Matching this period's clusters to the lasting themes, so a theme keeps its name and history.

One-to-one by the Hungarian method (SciPy's linear_sum_assignment) on centroid cosine similarity;
a pair counts only at MATCH_SIMILARITY or above, otherwise the cluster becomes a new theme. A
theme an agent merged into another passes its matches on to the one it was merged into.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from ai.insights.clustering import l2

MATCH_SIMILARITY = 0.75
CENTROID_MEMORY = 0.7  # a matched theme's centroid moves 30% towards this period's cluster


def match(
    new: np.ndarray, old: np.ndarray, *, threshold: float = MATCH_SIMILARITY
) -> dict[int, tuple[int, float]]:
    """{new index: (old index, similarity)} for the accepted one-to-one pairs."""
    if len(new) == 0 or len(old) == 0:
        return {}
    sims = l2(new) @ l2(old).T
    rows, cols = linear_sum_assignment(-sims)
    return {
        int(r): (int(c), float(sims[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if sims[r, c] >= threshold
    }


def moved_centroid(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    return l2(CENTROID_MEMORY * l2(old) + (1 - CENTROID_MEMORY) * l2(new))
