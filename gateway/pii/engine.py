"""The Presidio analyzer, built once per process, with the spaCy model or patterns only.

Loading spaCy takes seconds, so the engine is built lazily on first use, under a lock, and kept.
Analysis runs in its own thread so a hung or slow analysis can be abandoned after the timeout:
the caller then gets a RedactionError and must not send the text anywhere.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

# Presidio's tldextract fetches the public suffix list over the network unless told not to.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import (  # noqa: E402
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpEngineProvider, NoOpNlpEngine  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    EmailRecognizer,
    IpRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
)

from gateway.pii import config  # noqa: E402
from gateway.pii.address_blocks import extend_addresses  # noqa: E402
from gateway.pii.findings import Finding  # noqa: E402
from gateway.pii.languages import (  # noqa: E402
    ENGLISH_NAME_RECOGNIZERS,
    FUNCTION_WORDS,
    load_language_identifier,
    looks_like_name,
    other_ui_language,
)
from gateway.pii.name_heuristics import (  # noqa: E402
    UnknownProperNounRecognizer,
    coordinated_names,
    english_words_from,
    is_lowercase_text,
    recase,
    repeated_name_parts,
)
from gateway.pii.national_ids import NationalIdRecognizer  # noqa: E402
from gateway.pii.number_recognizers import CardRecognizer, IbanRecognizer, PhoneRecognizer  # noqa: E402
from gateway.pii.regex_recognizer import REDACT_THRESHOLD  # noqa: E402
from gateway.pii.text_recognizers import NameContextRecognizer, StreetAddressRecognizer  # noqa: E402

logger = logging.getLogger(__name__)

ENTITIES = (
    "PERSON",
    "LOCATION",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "STREET_ADDRESS",
    "NATIONAL_ID",
)
NER_ENTITIES = ("PERSON", "LOCATION")
# Below every pattern score, so where spaCy and a pattern overlap, the pattern's more specific type
# (a street address rather than a place) names the merged span. Above the redaction threshold.
NER_SCORE = 0.45
MODE_SPACY = "spacy"
MODE_PATTERNS_ONLY = "patterns-only"

# spaCy labels -> our entities. Organisations, dates and nationalities are not personal data here
# and would hide the product names and dates the model needs.
_NER_MAPPING = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}

_IGNORED_NER_LABELS = [
    "CARDINAL", "DATE", "EVENT", "LANGUAGE", "LAW", "MONEY", "NORP", "ORDINAL", "ORG", "PERCENT",
    "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
]  # fmt: skip


class RedactionError(RuntimeError):
    """Redaction could not be completed; the text must not leave (hand off to a person instead)."""


class PiiEngineStatus(NamedTuple):
    mode: str  # "spacy" or "patterns-only"
    message: str


class AnalysisCache:
    """A small thread-safe LRU of findings per text; texts over MAX_TEXT are not kept."""

    MAX_ENTRIES = 4096
    MAX_TEXT = 20_000

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[Finding, ...] | None:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
            return found

    def put(self, text: str, findings: tuple[Finding, ...]) -> None:
        if len(text) > self.MAX_TEXT:
            return
        with self._lock:
            self._items[text] = findings
            self._items.move_to_end(text)
            while len(self._items) > self.MAX_ENTRIES:
                self._items.popitem(last=False)


def _trusted_name_finding(result, text: str, foreign: bool) -> bool:
    """English-model name findings: never a DE/FR/ES/NL/IT/PT function word ("Grüßen", "Merci"); in text
    written in one of those languages, only spans that look like names."""
    recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    if result.entity_type not in NER_ENTITIES or recognizer not in ENGLISH_NAME_RECOGNIZERS:
        return True
    span = text[result.start : result.end].strip()
    tokens = span.split()
    if not tokens or span.lower() in FUNCTION_WORDS:
        return False
    if result.entity_type == "PERSON" and any(char.isdigit() for char in span):
        return False  # "Meine Bestellung 104425", "67375302E": no name has digits
    if all(token[0].islower() for token in tokens):
        return False  # "correo electrónico" (lower-case input was re-cased before analysis)
    if tokens[0].lower() in FUNCTION_WORDS and any(token[0].islower() for token in tokens[1:]):
        return False  # "Mi nuevo correo", "Meine Bestellung ist"
    return looks_like_name(span) if foreign else True


class PiiEngine:
    def __init__(
        self, analyzer: AnalyzerEngine, status: PiiEngineStatus, english_words: frozenset[str] = frozenset()
    ):
        self.analyzer = analyzer
        self.status = status
        self.english_words = english_words
        self.analyses = AnalysisCache()  # public: gateway.llm.turn_cache loads and stores it

    def analyze(self, text: str) -> list[Finding]:
        # Offsets are the same in the recased copy, so findings apply to the original text.
        if self.english_words and is_lowercase_text(text):
            text = recase(text, self.english_words)
        results = self.analyzer.analyze(text=text, language="en", entities=list(ENTITIES))
        foreign = other_ui_language(text) is not None
        results = [r for r in results if _trusted_name_finding(r, text, foreign)]
        findings = [Finding(r.entity_type, r.start, r.end, r.score) for r in results]
        findings += [
            f
            for f in coordinated_names(text, findings)
            if text[f.start : f.end].lower() not in FUNCTION_WORDS
        ]
        findings += repeated_name_parts(text, findings)
        return findings + extend_addresses(text, findings)

    def analyze_with_timeout(self, text: str, timeout_s: float) -> list[Finding]:
        """Analyze in a daemon thread; raise RedactionError on any error or when time runs out.

        Results are remembered per text (bounded LRU): the same knowledge-base passage or earlier
        conversation turn is sent again and again, and analysing it is the slow part of redaction.
        The analysis of a text never changes, so a remembered result is the result."""
        cached = self.analyses.get(text)
        if cached is not None:
            return list(cached)
        findings = self._analyze_in_thread(text, timeout_s)
        self.analyses.put(text, tuple(findings))
        return findings

    def _analyze_in_thread(self, text: str, timeout_s: float) -> list[Finding]:
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["findings"] = self.analyze(text)
            except BaseException as error:  # noqa: BLE001 - everything must reach the caller as a failure
                outcome["error"] = error

        worker = threading.Thread(target=work, name="pii-analyze", daemon=True)
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():
            # The thread cannot be killed; it finishes in the background and its result is dropped.
            raise RedactionError(f"PII analysis exceeded {timeout_s:g} s")
        if "error" in outcome:
            error = outcome["error"]
            raise RedactionError(f"PII analysis failed: {type(error).__name__}: {error}") from error
        return outcome["findings"]


def pattern_recognizers() -> list[EntityRecognizer]:
    return [
        EmailRecognizer(),
        UrlRecognizer(),
        IpRecognizer(),
        PhoneRecognizer(),
        CardRecognizer(),
        IbanRecognizer(),
        NationalIdRecognizer(),
        StreetAddressRecognizer(),
        NameContextRecognizer(),
    ]


def spacy_model_available(model_name: str) -> bool:
    import spacy.util

    return spacy.util.is_package(model_name) or Path(model_name).is_dir()


def build_engine(
    model_name: str | None = None, extra_recognizers: list[EntityRecognizer] | None = None
) -> PiiEngine:
    """Build an engine with the spaCy model when it is installed, else with the patterns only.

    Presidio downloads a missing spaCy model on load; checking first keeps the process offline.
    """
    model_name = model_name or config.spacy_model_name()
    recognizers = pattern_recognizers() + list(extra_recognizers or [])
    load_language_identifier()
    if spacy_model_available(model_name):
        try:
            return _build_spacy_engine(model_name, recognizers)
        except Exception as error:  # a broken model install must not stop redaction
            logger.exception("spaCy model %s failed to load; using patterns only", model_name)
            reason = f"the spaCy model {model_name!r} failed to load ({type(error).__name__}: {error})"
    else:
        reason = f"the spaCy model {model_name!r} is not installed"
    message = f"PII redaction runs on patterns only because {reason}: names and places are found less often."
    logger.warning(message)
    return _build_patterns_engine(recognizers, PiiEngineStatus(MODE_PATTERNS_ONLY, message))


def _build_spacy_engine(model_name: str, recognizers: list[EntityRecognizer]) -> PiiEngine:
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": model_name}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": _NER_MAPPING,
                "labels_to_ignore": _IGNORED_NER_LABELS,
                "low_score_entity_names": [],
                "default_score": NER_SCORE,
            },
        }
    ).create_engine()
    nlp_engine.load()
    english_words = english_words_from(nlp_engine.nlp["en"])
    spacy_recognizers = [
        SpacyRecognizer(supported_entities=list(NER_ENTITIES)),
        UnknownProperNounRecognizer(english_words),
    ]
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in [*recognizers, *spacy_recognizers]:
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(
        registry=registry, nlp_engine=nlp_engine, default_score_threshold=REDACT_THRESHOLD
    )
    status = PiiEngineStatus(MODE_SPACY, f"PII redaction uses Presidio with the spaCy model {model_name!r}.")
    return PiiEngine(analyzer, status, english_words)


def _build_patterns_engine(recognizers: list[EntityRecognizer], status: PiiEngineStatus) -> PiiEngine:
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in recognizers:
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
        default_score_threshold=REDACT_THRESHOLD,
    )
    return PiiEngine(analyzer, status)


_engine: PiiEngine | None = None
_engine_lock = threading.Lock()


def get_engine() -> PiiEngine:
    """The process-wide engine, built on first use (thread-safe)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = build_engine()
    return _engine


def pii_engine_status() -> PiiEngineStatus:
    """Which engine redacts, for the admin. Does not load spaCy when no engine has been built yet."""
    if _engine is not None:
        return _engine.status
    model_name = config.spacy_model_name()
    if spacy_model_available(model_name):
        return PiiEngineStatus(
            MODE_SPACY, f"The spaCy model {model_name!r} is installed (loaded on first use)."
        )
    return PiiEngineStatus(
        MODE_PATTERNS_ONLY,
        f"The spaCy model {model_name!r} is not installed: PII redaction will run on patterns only "
        "and find names and places less often.",
    )
