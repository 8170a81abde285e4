"""Zero-shot triage: compare the message with each topic's description and example messages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ai.pipelines.triage.logreg import softmax

# Cosine similarities of sentence embeddings sit in a narrow band; dividing by a small temperature
# turns a 0.1 lead into a clear preference without making every answer look certain.
ZERO_SHOT_TEMPERATURE = 0.05


@dataclass(frozen=True)
class TopicText:
    topic_id: int
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()

    def texts(self) -> list[str]:
        """What stands for the topic: its description (with its name) and each example message."""
        readable_name = self.name.replace("_", " ").replace("-", " ")
        head = f"{readable_name}: {self.description}" if self.description else readable_name
        return [head, *self.examples]


@dataclass
class Prototypes:
    topic_ids: list[int]
    vectors: np.ndarray  # (n_texts, dim), L2-normalised
    owner: np.ndarray  # (n_texts,) column index in topic_ids

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Per topic, the best cosine similarity to any of its texts: (n_queries, n_topics)."""
        query = np.atleast_2d(query)
        sims = query @ self.vectors.T
        best = np.full((query.shape[0], len(self.topic_ids)), -1.0, dtype=np.float64)
        for column in range(len(self.topic_ids)):
            mask = self.owner == column
            if mask.any():
                best[:, column] = sims[:, mask].max(axis=1)
        return best

    def probabilities(self, query: np.ndarray, temperature: float = ZERO_SHOT_TEMPERATURE) -> np.ndarray:
        return softmax(self.similarities(query) / temperature)


def build_prototypes(topics: list[TopicText], embed) -> Prototypes:
    """`embed(list[str]) -> (n, dim)` normalised vectors."""
    texts: list[str] = []
    owner: list[int] = []
    for column, topic in enumerate(topics):
        for text in topic.texts():
            texts.append(text)
            owner.append(column)
    vectors = embed(texts) if texts else np.zeros((0, 512), dtype=np.float32)
    return Prototypes(
        topic_ids=[topic.topic_id for topic in topics], vectors=vectors, owner=np.asarray(owner, dtype=int)
    )
