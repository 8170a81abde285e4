"""The verify stage: the deterministic output checks on an answer, and what to do with their findings.

Links to foreign sites, images and PII the customer did not give are removed mechanically (the
cleaned text is used and the finding logged). Uncited or unsupported sentences, promises of actions
and competitor names cannot be fixed by deleting characters: the answer fails and the pipeline uses
its quoted answer or hands off. A leaked canary blocks the answer outright.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from ai.guardrails import check_output
from ai.guardrails.support import CITATION, citations_of, needs_citation, split_sentences

FIXABLE = frozenset({"foreign_link", "image", "foreign_pii"})
SENTENCE_PROBLEMS = frozenset({"uncited_sentence", "unsupported_sentence", "unsupported_number"})


@dataclass
class VerifiedText:
    text: str  # the checked (and mechanically cleaned) answer; "" when unusable
    ok: bool
    blocked: bool = False
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    support_ratio: float = 1.0


def sentence_similarity(embed: Callable[[list[str]], np.ndarray]) -> Callable[[str, str], float]:
    """Support judged on meaning: the best cosine between an answer sentence and any sentence of the
    cited passage. Word overlap cannot see that "Sie erhalten Ihr Geld innerhalb von 5 Tagen" is
    backed by "Refunds arrive within 5 days"; the multilingual embedding can. Passage sentences are
    embedded once per passage and reused for every answer sentence that cites it."""
    from ai.pipelines.extractive import passage_sentences

    cache: dict[str, np.ndarray] = {}

    def similarity(sentence: str, passage: str) -> float:
        if passage not in cache:
            pieces = passage_sentences(passage) or [passage]
            cache[passage] = np.asarray(embed(pieces[:48]))
        vectors = cache[passage]
        query = np.asarray(embed([sentence]))[0]
        return float(np.max(vectors @ query)) if len(vectors) else 0.0

    return similarity


def cited_numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for sentence in split_sentences(text):
        numbers += [n for n in citations_of(sentence) if n not in numbers]
    return sorted(numbers)


def claim_count(text: str) -> int:
    return sum(
        1
        for sentence in split_sentences(text)
        if needs_citation(" ".join(CITATION.sub(" ", sentence).split()))
    )


def verify_answer(
    text: str, sources: Sequence, customer_texts: Sequence[str], *, canary: str = "", similarity=None
) -> VerifiedText:
    if not text.strip():
        return VerifiedText(text="", ok=False, reason="empty_answer", support_ratio=0.0)
    verdict = check_output(
        text,
        sources=sources,
        customer_texts=customer_texts,
        allowed_link_hosts=getattr(settings, "HELMDESK_AI_ALLOWED_LINK_HOSTS", ()),
        help_center_base_url=f"{settings.SITE_URL}/help/",
        competitors=getattr(settings, "HELMDESK_AI_COMPETITORS", ()),
        canary=canary,
        similarity=similarity,
    )
    if "canary_leak" in verdict.codes:
        return VerifiedText(
            text="",
            ok=False,
            blocked=True,
            reason="canary_leak",
            problems=verdict.problems,
            support_ratio=0.0,
        )
    claims = max(claim_count(text), 1)
    bad_sentences = {
        problem.split(":", 1)[1]
        for problem in verdict.problems
        if problem.split(":", 1)[0] in SENTENCE_PROBLEMS
    }
    support_ratio = round(max(0.0, 1.0 - len(bad_sentences) / claims), 4)
    unfixable = verdict.codes - FIXABLE
    if unfixable:
        return VerifiedText(
            text="", ok=False, reason="failed_checks: " + ", ".join(sorted(unfixable)),
            problems=verdict.problems, support_ratio=support_ratio,
        )  # fmt: skip
    return VerifiedText(
        text=verdict.cleaned_text, ok=True, problems=verdict.problems, support_ratio=support_ratio
    )
