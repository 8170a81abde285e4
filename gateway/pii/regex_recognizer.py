"""A regex recognizer that scores each match by the words around it.

Presidio's own context enhancer needs spaCy lemmas; this one looks at the raw characters around the
match, so the pattern recognizers score the same whether or not the spaCy model is installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

# Above this score a finding is redacted (the analyzer's default_score_threshold).
REDACT_THRESHOLD = 0.4


@dataclass(frozen=True)
class ScoredPattern:
    """One regex. `score` applies without supporting context, `context_score` with it.

    A named group `pii` narrows the finding to part of the match (the label stays visible).
    A score below REDACT_THRESHOLD means "only with context".
    """

    name: str
    regex: str
    score: float
    context_score: float
    flags: int = 0


class ContextRegexRecognizer(LocalRecognizer):
    """Finds `patterns`, keeps matches that pass `validator`, raises scores near `context_words`."""

    def __init__(
        self,
        *,
        entity: str,
        patterns: Iterable[ScoredPattern],
        context_words: Iterable[str] = (),
        validator: Callable[[str], bool] | None = None,
        context_before: int = 48,
        context_after: int = 16,
        name: str | None = None,
    ):
        self.patterns = tuple(patterns)
        self.compiled = [(pattern, re.compile(pattern.regex, pattern.flags)) for pattern in self.patterns]
        words = "|".join(re.escape(word) for word in context_words)
        self.context_regex = re.compile(rf"\b(?:{words})", re.IGNORECASE) if words else None
        self.validator = validator
        self.context_before = context_before
        self.context_after = context_after
        # context=[] keeps presidio's lemma enhancer from boosting these scores a second time.
        super().__init__(
            supported_entities=[entity], supported_language="en", context=[], name=name or type(self).__name__
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results = []
        for pattern, compiled in self.compiled:
            for match in compiled.finditer(text):
                span = match.span("pii") if "pii" in compiled.groupindex else match.span()
                start, end = span
                if start == end or (self.validator and not self.validator(text[start:end])):
                    continue
                score = pattern.context_score if self.has_context(text, start, end) else pattern.score
                if score > 0:
                    results.append(self._result(start, end, score, pattern.name))
        return results

    def has_context(self, text: str, start: int, end: int) -> bool:
        if self.context_regex is None:
            return False
        before = text[max(0, start - self.context_before) : start]
        after = text[end : end + self.context_after]
        return bool(self.context_regex.search(before) or self.context_regex.search(after))

    def _result(self, start: int, end: int, score: float, pattern_name: str) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name, original_score=score, pattern_name=pattern_name, pattern=None
        )
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def digits_of(value: str) -> str:
    return "".join(char for char in value if char.isdigit())
