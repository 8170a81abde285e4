"""A lexical view of the labelled history: multinomial naive Bayes over hashed word, word-pair and
character n-grams (TF-IDF weighted). It catches exact wording (product names, error codes, typos)
that sentence embeddings blur, and trains in one pass. Only the n-grams seen in training are kept,
so the stored model stays small."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

BUCKETS = 1 << 22
ALPHA = 0.1
_WORD = re.compile(r"\w+", re.UNICODE)


def ngram_ids(text: str) -> np.ndarray:
    """Hashed ids of words, word pairs and character 3-5-grams inside words."""
    words = _WORD.findall(text.lower())
    grams = [f"w {word}" for word in words]
    grams += [f"b {first} {second}" for first, second in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f" {word} "
        for size in (3, 4, 5):
            grams += [f"c{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return np.array([zlib.crc32(gram.encode()) % BUCKETS for gram in grams], dtype=np.int64)


def _term_rows(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text: unique n-gram ids and sublinear term frequencies."""
    rows = []
    for text in texts:
        ids, counts = np.unique(ngram_ids(text), return_counts=True)
        rows.append((ids, 1.0 + np.log(counts)))
    return rows


@dataclass
class NgramNaiveBayes:
    features: np.ndarray  # sorted n-gram ids seen in training
    idf: np.ndarray  # per seen feature
    idf_unseen: float
    feature_ptr: np.ndarray  # CSR over features: which (class, weight) pairs belong to each
    feature_class: np.ndarray
    feature_weight: np.ndarray  # summed TF-IDF weight of the feature in that class
    totals: np.ndarray  # per class: summed weight + ALPHA * vocabulary size

    def _weights(self, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flattened (row, position in `features` or -1, TF-IDF value), rows L2-normalised."""
        row_index, positions, values = [], [], []
        for number, (ids, tf) in enumerate(rows):
            where = np.searchsorted(self.features, ids)
            where = np.minimum(where, len(self.features) - 1)
            seen = self.features[where] == ids
            value = tf * np.where(seen, self.idf[where], self.idf_unseen)
            norm = np.sqrt((value * value).sum()) or 1.0
            row_index.append(np.full(len(ids), number))
            positions.append(np.where(seen, where, -1))
            values.append(value / norm)
        if not rows:
            empty = np.zeros(0)
            return empty.astype(int), empty.astype(int), empty
        return np.concatenate(row_index), np.concatenate(positions), np.concatenate(values)

    def log_scores(self, texts: list[str]) -> np.ndarray:
        """Per text and class: sum over its n-grams of weight * log P(n-gram | class)."""
        rows = _term_rows(texts)
        row_index, positions, values = self._weights(rows)
        log_totals = np.log(self.totals)
        # Every n-gram first counts as unseen in every class (smoothing only) ...
        mass = np.bincount(row_index, weights=values, minlength=len(texts))
        scores = mass[:, None] * (np.log(ALPHA) - log_totals)[None, :]
        # ... then the seen ones get their class counts.
        seen = positions >= 0
        for row, position, value in zip(row_index[seen], positions[seen], values[seen], strict=True):
            start, end = self.feature_ptr[position], self.feature_ptr[position + 1]
            classes = self.feature_class[start:end]
            scores[row, classes] += value * (np.log(self.feature_weight[start:end] + ALPHA) - np.log(ALPHA))
        return scores

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "nb_features": self.features,
            "nb_idf": self.idf.astype(np.float32),
            "nb_idf_unseen": np.array([self.idf_unseen]),
            "nb_ptr": self.feature_ptr,
            "nb_class": self.feature_class,
            "nb_weight": self.feature_weight.astype(np.float32),
            "nb_totals": self.totals,
        }

    @classmethod
    def from_arrays(cls, data) -> NgramNaiveBayes | None:
        if "nb_features" not in data:
            return None
        return cls(
            features=data["nb_features"],
            idf=data["nb_idf"].astype(np.float64),
            idf_unseen=float(data["nb_idf_unseen"][0]),
            feature_ptr=data["nb_ptr"],
            feature_class=data["nb_class"],
            feature_weight=data["nb_weight"].astype(np.float64),
            totals=data["nb_totals"],
        )


def fit_naive_bayes(texts: list[str], labels: np.ndarray, n_classes: int) -> NgramNaiveBayes:
    rows = _term_rows(texts)
    all_ids = np.concatenate([ids for ids, _tf in rows]) if rows else np.zeros(0, dtype=np.int64)
    features, document_frequency = np.unique(all_ids, return_counts=True)
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    model = NgramNaiveBayes(
        features=features, idf=idf, idf_unseen=float(np.log(1 + len(texts)) + 1.0),
        feature_ptr=np.zeros(1, dtype=np.int64), feature_class=np.zeros(0, dtype=np.int32),
        feature_weight=np.zeros(0), totals=np.ones(n_classes),
    )  # fmt: skip
    row_index, positions, values = model._weights(rows)
    pair = positions * n_classes + np.asarray(labels)[row_index]
    pairs, inverse = np.unique(pair, return_inverse=True)
    weights = np.bincount(inverse, weights=values)
    pair_feature, pair_class = pairs // n_classes, pairs % n_classes
    model.feature_ptr = np.concatenate([[0], np.cumsum(np.bincount(pair_feature, minlength=len(features)))])
    model.feature_class = pair_class.astype(np.int32)
    model.feature_weight = weights
    # Smoothing over the vocabulary actually seen (not all hash buckets) keeps the class totals
    # dominated by evidence rather than by the prior.
    model.totals = np.bincount(pair_class, weights=weights, minlength=n_classes) + ALPHA * len(features)
    return model
