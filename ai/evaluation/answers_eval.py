"""Answer evaluation: run the answer pipeline over questions against a throwaway knowledge base.

Per question: answered citing one of its gold documents = correct; answered otherwise (wrong
document, or a question the documents cannot answer) = wrong; handed off or blocked = handoff.
The knowledge base is loaded with eval_retrieval's loader (knowledge.evaluation.retrieval_eval).

Each question runs once with threshold 0; the admin threshold is applied afterwards (a low
confidence only ever turns an answer into a handoff), which gives the threshold sweep for free.
Runs in extractive mode unless a model is configured (OPENAI_API_KEY).

Where a question carries a reference answer (``gold_answer``: MTRAG's reference response, the
Bitext reply), the answered text is also scored against it: SQuAD-style token F1 and whether the
quote contains the whole reference (token recall 1), beside the document-level figure.
"""

from __future__ import annotations

import re
import string
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ai.models import AISettings
from ai.pipelines.answer import ANSWERED, AnswerRequest, answer_question
from ai.pipelines.handoff import active_rules
from gateway import llm
from gateway.embeddings import get_embedder
from gateway.pii import Redactor
from knowledge.evaluation.retrieval_eval import (
    EvalInputError,
    _read_jsonl,
    index_documents,
    load_documents,
    percentile,
    throwaway_knowledge_base,
)

SWEEP = (0.0, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
STAGES = ("language", "redact", "screen", "retrieve", "decide", "extract", "generate", "confidence")


@dataclass(frozen=True)
class AnswerQuestion:
    id: str
    question: str
    gold_doc_ids: tuple[str, ...]  # empty: the documents cannot answer it (a handoff is right)
    history: tuple[dict, ...] = ()
    answerability: str = ""
    subset: str = ""
    gold_answer: str = ""


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")


def answer_tokens(text: str) -> list[str]:
    """SQuAD normalisation: lower case, no punctuation, no articles, no citation markers."""
    text = _CITATION_MARK.sub(" ", text.lower())
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, gold: str) -> tuple[float, float]:
    """(F1, recall) of the prediction's tokens against the gold answer's."""
    predicted, reference = answer_tokens(prediction), answer_tokens(gold)
    common = sum((Counter(predicted) & Counter(reference)).values())
    if not predicted or not reference or not common:
        return 0.0, 0.0
    precision, recall = common / len(predicted), common / len(reference)
    return round(2 * precision * recall / (precision + recall), 4), round(recall, 4)


@dataclass
class Outcome:
    question_id: str
    decision: str  # pipeline decision at threshold 0
    confidence: float
    cites_gold: bool
    reason: str
    stage_ms: dict
    answerable: bool
    signals: dict = field(default_factory=dict)
    hit_docs: list = field(default_factory=list)  # retrieved documents, best first (for analysis)
    cited_docs: list = field(default_factory=list)  # documents the answer cites, in citation order
    subset: str = ""
    support_ratio: float = 1.0
    model_signal: float = 1.0
    span_f1: float | None = None  # token F1 of the answer against the reference answer, when there is one
    span_recall: float | None = None

    def at(self, threshold: float) -> str:
        if self.decision != ANSWERED or self.confidence < threshold:
            return "handoff"
        return "correct" if self.cites_gold else "wrong"


@dataclass
class AnswerReport:
    outcomes: list[Outcome]
    threshold: float
    mode: str
    documents: int
    index_seconds: float
    extra: dict = field(default_factory=dict)

    def rates(self, threshold: float | None = None) -> dict[str, float]:
        threshold = self.threshold if threshold is None else threshold
        n = max(len(self.outcomes), 1)
        counts = {"correct": 0, "wrong": 0, "handoff": 0}
        for outcome in self.outcomes:
            counts[outcome.at(threshold)] += 1
        return {name: round(count / n, 4) for name, count in counts.items()}

    def latencies(self) -> list[float]:
        return [sum(outcome.stage_ms.values()) for outcome in self.outcomes]

    def span_scores(self, threshold: float | None = None) -> dict[str, float] | None:
        """Mean token F1 / share containing the reference, over answered questions with a reference."""
        threshold = self.threshold if threshold is None else threshold
        scored = [o for o in self.outcomes if o.span_f1 is not None and o.at(threshold) != "handoff"]
        if not scored:
            return None
        return {
            "span_f1": round(sum(o.span_f1 for o in scored) / len(scored), 4),
            "span_contains": round(sum(1 for o in scored if o.span_recall >= 0.999) / len(scored), 4),
            "span_n": len(scored),
        }

    def summary(self) -> dict:
        latencies = self.latencies()
        return {
            **self.rates(),
            "n": len(self.outcomes),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            **(self.span_scores() or {}),
        }

    def stage_table(self) -> list[str]:
        lines = [f"{'stage':<12}{'p50_ms':>10}{'p95_ms':>10}"]
        for stage in STAGES:
            values = [outcome.stage_ms[stage] for outcome in self.outcomes if stage in outcome.stage_ms]
            if values:
                lines.append(f"{stage:<12}{percentile(values, 50):>10.1f}{percentile(values, 95):>10.1f}")
        totals = self.latencies()
        lines.append(f"{'total':<12}{percentile(totals, 50):>10.1f}{percentile(totals, 95):>10.1f}")
        return lines

    def table(self) -> str:
        summary = self.summary()
        unanswerable = [o for o in self.outcomes if not o.answerable]
        lines = [
            f"{self.documents} documents (indexed in {self.index_seconds:.1f} s), {summary['n']} questions "
            f"({len(unanswerable)} without a gold document), mode: {self.mode}, threshold {self.threshold:.2f}",
            f"correct {summary['correct']:.1%}   wrong {summary['wrong']:.1%}   handoff {summary['handoff']:.1%}",
        ]
        if unanswerable:
            handed = sum(1 for o in unanswerable if o.at(self.threshold) == "handoff")
            lines.append(f"unanswerable questions handed off: {handed}/{len(unanswerable)}")
        spans = self.span_scores()
        if spans:
            lines.append(
                f"reference answers: token F1 {spans['span_f1']:.3f}, quote contains the reference "
                f"{spans['span_contains']:.1%} (over {spans['span_n']} answered questions with one)"
            )
        lines += ["", "latency per stage (ms):", *self.stage_table(), "", "threshold sweep:"]
        lines.append(f"{'threshold':>10}{'correct':>9}{'wrong':>8}{'handoff':>9}")
        for threshold in sorted({*SWEEP, self.threshold}):
            rates = self.rates(threshold)
            lines.append(
                f"{threshold:>10.2f}{rates['correct']:>9.1%}{rates['wrong']:>8.1%}{rates['handoff']:>9.1%}"
            )
        reasons: dict[str, int] = {}
        for outcome in self.outcomes:
            if outcome.at(self.threshold) == "handoff":
                key = (
                    outcome.reason.split(" ")[0].split(":")[0]
                    if outcome.decision != ANSWERED
                    else "low_confidence"
                )
                reasons[key] = reasons.get(key, 0) + 1
        if reasons:
            lines += ["", "handoff reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))]
        return "\n".join(lines)


def load_answer_questions(path: Path) -> list[AnswerQuestion]:
    """eval_retrieval's question format; ``gold_doc_ids`` may be empty for unanswerable questions."""
    questions = []
    for number, record in _read_jsonl(path):
        if not isinstance(record.get("question"), str):
            raise EvalInputError(f"{path}:{number}: needs a string 'question'")
        gold = record.get("gold_doc_ids")
        if gold is None:
            gold = [record["gold_doc_id"]] if record.get("gold_doc_id") else []
        history = record.get("history") or []
        if not isinstance(gold, list) or not isinstance(history, list):
            raise EvalInputError(f"{path}:{number}: 'gold_doc_ids' and 'history' must be lists")
        questions.append(
            AnswerQuestion(
                id=str(record.get("id", number)),
                question=record["question"],
                gold_doc_ids=tuple(str(g) for g in gold),
                history=tuple(history),
                answerability=str(record.get("answerability") or ""),
                subset=str(record.get("subset") or ""),
                gold_answer=str(record.get("gold_answer") or ""),
            )
        )
    return questions


def score_question(
    question: AnswerQuestion, id_to_doc: dict[int, str], *, use_history: bool, embed, rules=None
) -> Outcome:
    request = AnswerRequest(
        question=question.question,
        history=list(question.history) if use_history else (),
        previous_questions=[t.get("text", "") for t in question.history if t.get("role") == "user"]
        if use_history
        else (),
        known_language="en",
    )
    answer = answer_question(request, redactor=Redactor(), embed=embed, rules=rules, threshold=0.0)
    cited = list(dict.fromkeys(id_to_doc.get(citation["article_id"]) for citation in answer.citations))
    cited_docs = set(cited)
    f1 = recall = None
    if question.gold_answer and answer.decision == ANSWERED:
        f1, recall = token_f1(answer.redacted_output, question.gold_answer)
    return Outcome(
        question_id=question.id,
        decision=answer.decision,
        confidence=answer.confidence,
        cites_gold=bool(cited_docs & set(question.gold_doc_ids)),
        reason=answer.reason,
        stage_ms=dict(answer.stage_ms),
        answerable=bool(question.gold_doc_ids),
        signals=dict(answer.signals),
        hit_docs=[id_to_doc.get(hit.article_id) for hit in answer.hits],
        cited_docs=cited,
        subset=question.subset,
        support_ratio=float(answer.signals.get("support_ratio", 1.0)),
        model_signal=float(answer.signals.get("model_signal", 1.0)),
        span_f1=f1,
        span_recall=recall,
    )


def run_answer_evaluation(
    documents_path: Path,
    questions_path: Path,
    *,
    use_history: bool = False,
    limit: int | None = None,
    threshold: float | None = None,
    show_progress: bool = True,
    skip_rule_kinds: Sequence[str] = (),
) -> AnswerReport:
    """``skip_rule_kinds``: handoff rule kinds left out (e.g. ``low_confidence``, to see what the
    calibrated confidence does without the score rule; its effect is simulated afterwards from the
    dumped top cosine, ai.evaluation.answer_calibration ``--low-score-rule``)."""
    documents = load_documents(documents_path)
    questions = load_answer_questions(questions_path)[: limit or None]
    embedder = get_embedder()

    def embed(texts: Sequence[str]):
        return embedder.embed_queries(list(texts))

    with throwaway_knowledge_base():
        started = time.perf_counter()
        id_to_doc = index_documents(documents, embedder=embedder, show_progress=show_progress)
        index_seconds = time.perf_counter() - started
        threshold = AISettings.load().confidence_threshold if threshold is None else threshold
        mode = llm.generation_mode("answer").label
        rules = [r for r in active_rules() if r.kind not in skip_rule_kinds] if skip_rule_kinds else None
        outcomes = [
            score_question(question, id_to_doc, use_history=use_history, embed=embed, rules=rules)
            for question in tqdm(questions, desc="answering", unit="q", disable=not show_progress)
        ]
    return AnswerReport(outcomes, threshold, mode, len(documents), index_seconds)
