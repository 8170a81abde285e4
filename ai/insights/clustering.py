"""Theme discovery: cluster sentence embeddings without being told how many themes there are.

Libraries: scikit-learn (TF-IDF, truncated SVD) and SciPy (Ward's hierarchical clustering, the
Hungarian assignment used when matching themes across periods), both maintained and widely used.

The method, measured in bench/voc_themes_eval.py against k-means given the true number of intents:
1. Features: the 512-d sentence embedding (gateway.embeddings) concatenated with a lexical view
   (word uni/bi-gram TF-IDF reduced by truncated SVD to <= 128 dimensions, weighted by LEXICAL_WEIGHT),
   L2-normalised. The lexical view separates intents that share a register but not their key words.
2. One Ward linkage tree over those features (deterministic; SVD seeded).
3. The number of themes K is the smallest cut of the tree whose members are, on average, at least
   COHERENCE cosine-similar to their theme's centroid in the sentence-embedding space: a theme is
   "one thing customers say", whatever the period's size. Found by bisection over K (coherence grows
   with K almost monotonically).
4. Clusters smaller than `min_size` are noise (theme None): one-off messages are not a theme.
Very large inputs are clustered on a seeded sample of MAX_TREE_POINTS and the rest joins the nearest
theme centroid (Ward's tree is quadratic in memory).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

# Fixed before the held-out evaluation (bench/voc_themes_eval.py reports leave-one-dataset-out).
COHERENCE = 0.76
LEXICAL_WEIGHT = 0.5
LEXICAL_DIMS = 128
MIN_THEME_SIZE = 3
MAX_TREE_POINTS = 6000


@dataclass
class Clustering:
    labels: np.ndarray  # (n,) int, -1 = noise, themes numbered 0..k-1 by decreasing size
    n_themes: int
    centroids: np.ndarray  # (k, d) L2-normalised centroids in the sentence-embedding space
    coherence: list[float] = field(default_factory=list)  # per theme, mean cosine to its centroid
    k_tree: int = 0  # the cut chosen before small clusters became noise

    @property
    def noise(self) -> int:
        return int((self.labels < 0).sum())


def l2(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


def lexical_features(texts: list[str], *, seed: int, dims: int = LEXICAL_DIMS) -> np.ndarray | None:
    """TF-IDF (uni+bigrams, English stop words) reduced by SVD; None when the texts share no words."""
    try:
        tfidf = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english"
        ).fit_transform(texts)
    except ValueError:  # empty vocabulary
        return None
    n_components = min(dims, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if n_components < 2:
        return None
    reduced = TruncatedSVD(n_components=n_components, random_state=seed).fit_transform(tfidf)
    return l2(reduced)


def features(vectors: np.ndarray, texts: list[str] | None, *, seed: int) -> np.ndarray:
    semantic = l2(vectors)
    lexical = lexical_features(texts, seed=seed) if texts else None
    if lexical is None:
        return semantic
    return l2(np.hstack([semantic, LEXICAL_WEIGHT * lexical]))


def mean_coherence(vectors: np.ndarray, labels: np.ndarray) -> float:
    """Mean cosine similarity of each point to its cluster's centroid (vectors L2-normalised)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    sums = np.add.reduceat(vectors[order], starts, axis=0)
    # sum over members of cos(x, c) = |sum x| for the normalised centroid c = sum x / |sum x|
    return float(np.linalg.norm(sums, axis=1).sum() / len(vectors))


def choose_cut(tree: np.ndarray, semantic: np.ndarray, *, coherence: float) -> np.ndarray:
    """The smallest cut of the tree whose mean coherence reaches `coherence` (bisection over K)."""
    n = len(semantic)
    low, high = 1, max(1, n // 2)
    best = fcluster(tree, high, criterion="maxclust")
    if mean_coherence(semantic, best) < coherence:
        return best
    while low < high:
        mid = (low + high) // 2
        labels = fcluster(tree, mid, criterion="maxclust")
        if mean_coherence(semantic, labels) >= coherence:
            high, best = mid, labels
        else:
            low = mid + 1
    return best


def _renumber(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Clusters below min_size -> -1; the rest 0..k-1 by decreasing size (ties: first member)."""
    out = np.full(len(labels), -1, dtype=int)
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    kept = [
        (-count, idx, cid) for cid, idx, count in zip(ids, first, counts, strict=True) if count >= min_size
    ]
    for new, (_c, _i, cid) in enumerate(sorted(kept)):
        out[labels == cid] = new
    return out


def centroids_of(semantic: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    if k == 0:
        return np.zeros((0, semantic.shape[1]))
    return l2(np.stack([semantic[labels == i].mean(axis=0) for i in range(k)]))


def cluster(
    vectors: np.ndarray,
    texts: list[str] | None = None,
    *,
    seed: int = 0,
    coherence: float = COHERENCE,
    min_size: int = MIN_THEME_SIZE,
    max_tree_points: int = MAX_TREE_POINTS,
) -> Clustering:
    """Discover themes among `vectors` (n, d) with their `texts` (optional lexical view)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(vectors)
    if n < max(2, min_size):
        return Clustering(labels=np.full(n, -1), n_themes=0, centroids=np.zeros((0, vectors.shape[-1])))
    semantic = l2(vectors)
    feats = features(semantic, texts, seed=seed)
    sample = np.arange(n)
    if n > max_tree_points:
        sample = np.sort(np.random.default_rng(seed).choice(n, size=max_tree_points, replace=False))
    tree = linkage(feats[sample], method="ward")
    raw = choose_cut(tree, semantic[sample], coherence=coherence)
    k_tree = int(raw.max())
    labels_sample = _renumber(raw, min_size)
    k = int(labels_sample.max()) + 1
    labels = np.full(n, -1, dtype=int)
    labels[sample] = labels_sample
    cents = centroids_of(semantic[sample], labels_sample, k)
    if len(sample) < n and k:
        rest = np.setdiff1d(np.arange(n), sample)
        labels[rest] = (semantic[rest] @ cents.T).argmax(axis=1)
        cents = centroids_of(semantic, labels, k)
    coh = [float((semantic[labels == i] @ cents[i]).mean()) for i in range(k)]
    return Clustering(labels=labels, n_themes=k, centroids=cents, coherence=coh, k_tree=k_tree)


def assign(vectors: np.ndarray, centroids: np.ndarray, *, threshold: float) -> np.ndarray:
    """Nearest centroid for each vector, -1 when the best cosine similarity is below threshold."""
    if len(centroids) == 0 or len(vectors) == 0:
        return np.full(len(vectors), -1, dtype=int)
    sims = l2(vectors) @ l2(centroids).T
    best = sims.argmax(axis=1)
    return np.where(sims[np.arange(len(best)), best] >= threshold, best, -1)
