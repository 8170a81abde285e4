"""One confidence number for an answer, from several independent signals, calibrated across datasets.

    evidence   = logistic(BIAS + sum(WEIGHTS[name] * signal[name]))
    confidence = evidence * support ratio * model signal

Signals (each 0..1; see ``ConfidenceInputs``):
- retrieval: the best vector cosine, its margin over the best chunk of another article, and
  whether vector and full-text search agree on the best article;
- the quote: how much of the question the best sentence covers (content words), its embedding
  similarity to the question, and whether it holds the kind of answer asked for (a duration for
  "how long", an amount for "how much");
- the dialogue: how consistent the answer is with the customer's earlier turns (0.5 without any);
- BM25 coverage: the share of the question's IDF mass (terms the knowledge base knows) that the
  quoted passage contains (ai.pipelines.coverage).

The support ratio (share of answer sentences the output checks found supported) and the model
signal (a generated answer that says it does not know) multiply the result.

``WEIGHTS``/``BIAS`` are a logistic regression fitted on the answer evaluations of several datasets
(``ai.evaluation.answer_calibration``; the procedure and the leave-one-dataset-out figures are in
docs/ai-answers.md): the label is "the answer cites a gold document", so the number reads as the
probability that the answer is right.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

ABSTAINING_SIGNAL = 0.2  # a generated answer that says it cannot answer

# The fitted signals. ``margin`` is the cosine margin: a first version used the fused-RRF margin,
# which is ~0.02 for every question (ranks, not scores) and carried nothing. ``coverage`` (BM25: the
# share of the query's known IDF mass in the quoted passage) joined on 2026-12-04 on its
# leave-one-dataset-out figures; the other BM25 candidates tried then (all-term coverage, the quote's
# coverage, a BM25 article margin) raised the held-out wrong rate and were not kept.
SIGNALS = ("top_cosine", "margin", "agreement", "overlap", "similarity", "type_match", "history", "coverage")
# Fitted by ai.evaluation.answer_calibration (logistic regression on standardised signals, L2 1.0)
# on the answer evaluations of MTRAG (159 questions), Bitext (135) and the demo help center (34),
# 2026-12-04, extractive mode, with the "low retrieval score" rule applied (--low-score-rule 0.3).
# The threshold that keeps wrong answers <= 5 % on the worst of them was 0.86 on the fitted
# probability; BIAS carries + 0.275 (= logit(0.89) - logit(0.86)) so that this operating point is the
# shipped AISettings.confidence_threshold 0.89, unchanged. Negative weights are what the data said
# once the other signals are in (top cosine is largely carried by the sentence similarity, overlap by
# the coverage; a type match was common among wrong answers too); see docs/ai-answers.md.
WEIGHTS = {
    "top_cosine": -2.36,
    "margin": 6.246,
    "agreement": 0.902,
    "overlap": -0.196,
    "similarity": 3.467,
    "type_match": -0.254,
    "history": 0.965,
    "coverage": 1.538,
}
BIAS = -1.491 + 0.275
SHIPPED_THRESHOLD = 0.89

_ABSTENTION = re.compile(
    r"\b(?:i (?:do not|don't|cannot|can't) (?:know|find|answer|say)|(?:the )?sources? (?:do|does) not|"
    r"not (?:mentioned|covered|stated) in|no information|a member of (?:the|our) team will|"
    r"ich wei(?:ß|ss) (?:es )?nicht|keine informationen|je ne sais pas|aucune information|no lo sé|"
    r"no tengo información)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ConfidenceInputs:
    top_cosine: float  # best vector similarity among the retrieved chunks
    agreement: float  # 1: vector and full text rank the same article first; 0.5: top chunk found by both
    evidence: float = 0.0  # score of the best quoted sentence (kept for the record)
    support_ratio: float = 1.0  # supported answer sentences / answer sentences
    model_signal: float = 1.0  # 1.0 unless the model hedged or abstained
    margin: float = 0.0  # best article's cosine minus the best other article's
    overlap: float = 0.0  # share of the question's content words in the best quoted sentence
    similarity: float = 0.0  # embedding cosine of the best quoted sentence to the question
    type_match: float = 0.5  # the quote holds the asked-for kind of answer (0.5: none asked)
    history: float = 0.5  # consistency with the earlier turns (0.5: no history)
    # Share of the query's (known) IDF mass in the quoted passage, ai.pipelines.coverage (0.5: none)
    coverage: float = 0.5

    def signals(self) -> dict[str, float]:
        values = asdict(self)
        return {name: float(values[name]) for name in SIGNALS}


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, value))))


def evidence_probability(inputs: ConfidenceInputs, *, weights=None, bias: float | None = None) -> float:
    weights = WEIGHTS if weights is None else weights
    bias = BIAS if bias is None else bias
    signals = inputs.signals()
    return logistic(bias + sum(weights[name] * signals[name] for name in SIGNALS))


def answer_confidence(inputs: ConfidenceInputs, *, weights=None, bias: float | None = None) -> float:
    evidence = evidence_probability(inputs, weights=weights, bias=bias)
    value = evidence * max(0.0, min(inputs.support_ratio, 1.0)) * inputs.model_signal
    return round(max(0.0, min(value, 1.0)), 4)


def model_signal(answer_text: str) -> float:
    """The model's own signal: an answer that says it does not know should not be trusted as one."""
    return ABSTAINING_SIGNAL if _ABSTENTION.search(answer_text or "") else 1.0
