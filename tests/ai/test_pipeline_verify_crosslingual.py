"""Support judged on meaning, per sentence: a German answer from an English passage is not thrown away.

The real multilingual embedding model (USE v3), no stand-in.
"""

from __future__ import annotations

from ai.pipelines.verify import sentence_similarity, verify_answer
from gateway.embeddings import get_embedder

REFUNDS = (
    "Once your return arrives at our warehouse, we check it within two working days. "
    "The refund reaches your card within 5 business days. Bank transfers can take longer."
)


def _similarity():
    embedder = get_embedder()
    return sentence_similarity(lambda texts: embedder.embed_queries(list(texts)))


def test_a_german_answer_from_an_english_passage_is_supported_on_meaning():
    answer = "Die Rückerstattung erreicht Ihre Karte innerhalb von 5 Werktagen [1]."
    lexical = verify_answer(answer, [REFUNDS], ["Wann bekomme ich mein Geld?"])
    assert not lexical.ok  # no shared words: the word-overlap check alone rejects it
    semantic = verify_answer(answer, [REFUNDS], ["Wann bekomme ich mein Geld?"], similarity=_similarity())
    assert semantic.ok and semantic.support_ratio == 1.0


def test_a_german_sentence_the_passage_does_not_say_stays_unsupported():
    answer = "Sie können Ihr Fahrrad jederzeit kostenlos in jeder Filiale umtauschen [1]."
    verified = verify_answer(answer, [REFUNDS], ["Kann ich umtauschen?"], similarity=_similarity())
    assert not verified.ok
    assert any("unsupported_sentence" in problem for problem in verified.problems)
