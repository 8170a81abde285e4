"""The PII engine remembers its analysis per text: passages and earlier turns are sent again and again."""

from __future__ import annotations

from gateway.pii import Redactor, get_engine
from gateway.pii.engine import AnalysisCache

TEXT = "Hi, I am Maria Jensen; call me on +49 151 2345 6789 about order 5521."


def test_a_text_is_analysed_once_and_the_result_is_the_same():
    engine = get_engine()
    calls = []
    real_analyze = engine.analyze

    def counting(text):
        calls.append(text)
        return real_analyze(text)

    engine.analyze = counting
    try:
        text = TEXT + " (cache test)"
        first = Redactor(engine=engine).redact(text)
        second = Redactor(engine=engine).redact(text)
    finally:
        del engine.analyze
    assert calls == [text]
    assert first == second and "Maria Jensen" not in first and "2345 6789" not in first


def test_the_cache_is_bounded_and_skips_very_long_texts():
    cache = AnalysisCache()
    cache.MAX_ENTRIES = 2
    for text in ("a", "b", "c"):
        cache.put(text, ())
    assert cache.get("a") is None and cache.get("b") == () and cache.get("c") == ()
    cache.put("x" * (AnalysisCache.MAX_TEXT + 1), ())
    assert cache.get("x" * (AnalysisCache.MAX_TEXT + 1)) is None
