"""National identity and tax numbers of the UI languages' countries, all as one entity, NATIONAL_ID.

Only numbers with a published check digit are recognised, so a random order number rarely passes:
- DE Steuer-ID, ES DNI/NIF and NIE, IT codice fiscale: Presidio's own recognizers (maintained there,
  checksum-validated), re-labelled;
- NL BSN (11-proef), FR NIR (key = 97 - number mod 97), PT NIF (mod 11): written here, a few lines each.

Shapes that carry letters or a fixed layout (DNI 12345678Z, codice fiscale, a 15-digit NIR) are redacted
on their own once the checksum holds. Bare digit runs (BSN and NIF are 9 digits, Steuer-ID 11; about one
in eleven random numbers passes a mod-11 check) also need an ID word nearby ("BSN", "NIF", "Steuer-ID").
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import (
    DeTaxIdRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    ItFiscalCodeRecognizer,
)

from gateway.pii.regex_recognizer import ContextRegexRecognizer, ScoredPattern, digits_of

ENTITY = "NATIONAL_ID"
ID_CONTEXT = (
    "bsn", "burgerservicenummer", "sofinummer", "nif", "contribuinte", "número fiscal", "numero fiscal",
    "nir", "sécurité sociale", "securite sociale", "numéro de sécu", "insee", "steuer-id", "steuerid",
    "steuer id", "steueridentifikationsnummer", "identifikationsnummer", "idnr", "dni", "nie", "documento",
    "codice fiscale", "national id", "id number", "identity number", "tax id", "tax number", "ssn",
    "social security", "personal number", "identificación", "identificação", "ausweis",
)  # fmt: skip


def bsn_valid(value: str) -> bool:
    digits = digits_of(value)
    if len(digits) != 9 or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def nir_valid(value: str) -> bool:
    compact = re.sub(r"[\s.]", "", value).upper()
    if len(compact) != 15 or compact[0] not in "12":
        return False
    body = compact[:13].replace("2A", "19").replace("2B", "18")
    if not body.isdigit() or not compact[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(compact[13:])


def pt_nif_valid(value: str) -> bool:
    digits = digits_of(value)
    if len(digits) != 9 or digits[0] not in "123568":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    check = 11 - total % 11
    return (0 if check >= 10 else check) == int(digits[8])


_NINE_DIGITS = r"(?<![\w.,/-])\d{3}[ .]?\d{3}[ .]?\d{3}(?![\w/]|[.,-]\d)"
_NIR = r"(?<![\w])[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}(?!\w)"


class _ChecksumRecognizer(ContextRegexRecognizer):
    def __init__(self, name, patterns, validator):
        super().__init__(
            entity=ENTITY, patterns=patterns, context_words=ID_CONTEXT, validator=validator, name=name
        )


def _presidio_id_recognizers():
    return [
        DeTaxIdRecognizer(supported_language="en"),
        EsNifRecognizer(supported_language="en"),
        EsNieRecognizer(supported_language="en"),
        ItFiscalCodeRecognizer(supported_language="en"),
    ]


# Presidio recognizers whose match is a bare digit run: redacted only next to an ID word.
_NEEDS_CONTEXT = {"DeTaxIdRecognizer"}


class NationalIdRecognizer(EntityRecognizer):
    """One recognizer for all supported national IDs (checksum-validated), reported as NATIONAL_ID."""

    def __init__(self):
        self.inner = _presidio_id_recognizers()
        self.own = [
            _ChecksumRecognizer("NlBsn", (ScoredPattern("bsn", _NINE_DIGITS, 0.0, 0.85),), bsn_valid),
            _ChecksumRecognizer("PtNif", (ScoredPattern("nif", _NINE_DIGITS, 0.0, 0.85),), pt_nif_valid),
            _ChecksumRecognizer("FrNir", (ScoredPattern("nir", _NIR, 0.7, 0.95, re.IGNORECASE),), nir_valid),
        ]
        super().__init__(supported_entities=[ENTITY], supported_language="en", name="NationalIdRecognizer")
        self.context_helper = self.own[0]  # shares ID_CONTEXT and the context window

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if ENTITY not in entities:
            return []
        results: list[RecognizerResult] = []
        for recognizer in self.own:
            for found in recognizer.analyze(text, [ENTITY], nlp_artifacts):
                results.append(self._own_result(found.start, found.end, found.score, recognizer.name))
        for recognizer in self.inner:
            for found in recognizer.analyze(text, recognizer.supported_entities, None):
                if found.score < 1.0:  # Presidio scores 1.0 only when the check digit holds
                    continue
                context = self.context_helper.has_context(text, found.start, found.end)
                if type(recognizer).__name__ in _NEEDS_CONTEXT and not context:
                    continue
                results.append(
                    self._own_result(found.start, found.end, 0.95 if context else 0.75, recognizer.name)
                )
        return results

    def _own_result(self, start: int, end: int, score: float, kind: str) -> RecognizerResult:
        # Presidio applies per-recognizer score thresholds by the recognizer id in the metadata, so
        # findings must carry this recognizer's id, not the helper's that produced them.
        return RecognizerResult(
            entity_type=ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name, original_score=score, pattern_name=kind, pattern=None
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
