"""One confidence number for an answer, from retrieval, support and the model's own signal.

    evidence   = logistic(W_COSINE * (top cosine - COSINE_MID) + W_EVIDENCE * (best sentence score - EVIDENCE_MID)
                          + W_AGREEMENT * [vector and full-text agree on the top chunk])
    confidence = evidence * support ratio * model signal

The evidence part says how likely the knowledge base holds the answer (retrieval found something
close, and a sentence of it covers the question); the support ratio is the share of answer sentences
the output checks found supported by their cited source (1.0 for quoted sentences); the model signal
drops when a generated answer itself says it does not know. Weights were set on the MTRAG development
set (``manage.py eval_answers``, docs/ai-answers.md) so that the product's threshold separates answers
that cite the right document from those that do not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

COSINE_MID = 0.45
EVIDENCE_MID = 0.45
W_COSINE = 9.0
W_EVIDENCE = 6.0
W_AGREEMENT = 0.6
ABSTAINING_SIGNAL = 0.2  # a generated answer that says it cannot answer

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
    agreement: bool  # the top chunk was found by both vector and full-text search
    evidence: float  # score of the best quoted/supporting sentence (0..1)
    support_ratio: float = 1.0  # supported answer sentences / answer sentences
    model_signal: float = 1.0  # 1.0 unless the model hedged or abstained


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def evidence_probability(inputs: ConfidenceInputs) -> float:
    logit = (
        W_COSINE * (inputs.top_cosine - COSINE_MID)
        + W_EVIDENCE * (inputs.evidence - EVIDENCE_MID)
        + (W_AGREEMENT if inputs.agreement else 0.0)
    )
    return logistic(logit)


def answer_confidence(inputs: ConfidenceInputs) -> float:
    value = evidence_probability(inputs) * max(0.0, min(inputs.support_ratio, 1.0)) * inputs.model_signal
    return round(max(0.0, min(value, 1.0)), 4)


def model_signal(answer_text: str) -> float:
    """The model's own signal: an answer that says it does not know should not be trusted as one."""
    return ABSTAINING_SIGNAL if _ABSTENTION.search(answer_text or "") else 1.0
