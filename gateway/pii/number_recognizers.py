"""Recognizers for numbers that identify a person: phone numbers, payment cards, IBANs."""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import RecognizerResult

from gateway.pii.regex_recognizer import ContextRegexRecognizer, ScoredPattern, digits_of

PHONE_CONTEXT = (
    "phone", "tel", "telephone", "mobile", "cell", "call", "fax", "desk", "office", "home", "work",
    "number", "contact", "reach", "dial", "ring", "sms", "text me", "whatsapp", "signal", "viber",
    "answer", "message", "registered", "landline", "hotline", "voicemail", "extension", "ext",
    # DE, FR, ES, NL, IT, PT ("tel" above already covers telefon, téléphone, teléfono, telefoon, ...)
    "handy", "mobil", "ruf", "anruf", "nummer", "erreichbar", "rückruf", "portable", "numéro", "joindre",
    "appel", "móvil", "celular", "número", "llam", "llám", "mobiel", "bel me", "bellen", "bereikbaar",
    "cellulare", "numero", "chiam", "telemóvel", "telemovel", "ligar", "ligue", "contacto", "contatto",
    "contato",
)  # fmt: skip
CARD_CONTEXT = (
    "card", "credit", "debit", "visa", "mastercard", "master card", "amex", "american express", "maestro",
    "discover", "diners", "jcb", "unionpay", "cc", "payment", "charge", "pan", "billing",
)  # fmt: skip
IBAN_CONTEXT = ("iban", "account", "bank", "transfer", "wire", "sepa", "bic", "swift", "payee")

_EXTENSION = r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?"
# A phone number never starts or ends inside a word, a decimal, a time (12:30) or another number.
_START = r"(?<![\w+:/])(?<!\d[.,-])"
_END = r"(?![\w:/]|[.,-]\d)"

PHONE_PATTERNS = (
    # +CC with optional trunk "(0)" and 1-6 groups: +46 (0)8 928 571 38, +447700 921 916, +1-984-182-0190
    ScoredPattern(
        "international",
        rf"(?<![\w+])\+\d{{1,3}}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{{1,5}}\)?){{1,6}}{_EXTENSION}{_END}",
        0.75,
        1.0,
    ),
    # 00 international prefix: 0044 20 7946 0958, 001-518-640-0854
    ScoredPattern(
        "international_00",
        rf"{_START}00\d{{1,3}}(?:[ .-]?\(?\d{{1,5}}\)?){{2,6}}{_EXTENSION}{_END}",
        0.5,
        0.9,
    ),
    # North American 3-3-4: (579)888-3058, 905-674-3793, 259.735.7502x459
    ScoredPattern(
        "north_american",
        rf"{_START}(?:1[ .-])?(?:\(\d{{3}}\)\s?|\d{{3}}[ .-])\d{{3}}[ .-]\d{{4}}{_EXTENSION}{_END}",
        0.6,
        0.95,
    ),
    # Grouped national numbers: 0490 75 40 81, (08) 8747 6301, 03.93.92.16.85, 467 3395, 99 668472
    ScoredPattern(
        "grouped",
        rf"{_START}(?:\(\d{{1,5}}\)[ .-]?)?\d{{1,5}}(?:[ .-]\d{{1,8}}){{1,5}}{_EXTENSION}{_END}",
        0.3,
        0.8,
    ),
    # National numbers with a trunk 0 that libphonenumber accepts for a UI-language country (validator
    # below): 030 12345678, 0171 1234567, 06 12 34 56 78, 020-1234567, 06-12345678, 02 1234 5678.
    ScoredPattern(
        "national_trunk_eu",
        rf"{_START}0\d{{1,4}}(?:[ ./-]?\d{{2,8}}){{1,4}}{_END}",
        0.5,
        0.95,
    ),
    # Unseparated national numbers, 8-12 digits: 5403926876. Too ambiguous without context.
    ScoredPattern("unseparated", rf"{_START}\d{{8,12}}{_EXTENSION}{_END}", 0.15, 0.7),
)

_DATE_SHAPES = (
    re.compile(r"^\d{4}[./-]\d{1,2}[./-]\d{1,2}$"),
    re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$"),
)
_IPV4_SHAPE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_THOUSANDS_SHAPE = re.compile(r"^\d{1,3}(?:([ .,])\d{3})(?:\1\d{3})*$")


def is_plausible_phone(value: str) -> bool:
    core = re.split(r"\s?(?:x|ext\.?|extension)\s?\d", value, maxsplit=1)[0]
    digit_count = len(digits_of(core))
    if not 7 <= digit_count <= 15:
        return False
    return not any(shape.match(core) for shape in (*_DATE_SHAPES, _IPV4_SHAPE))


# Countries of the UI languages (and their neighbours that share them) for national-format numbers.
EU_REGIONS = ("DE", "AT", "CH", "FR", "BE", "LU", "ES", "NL", "IT", "PT")


def is_valid_national_number(value: str) -> bool:
    """libphonenumber (the ``phonenumbers`` package, maintained metadata) accepts it for an EU region."""
    for region in EU_REGIONS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


class PhoneRecognizer(ContextRegexRecognizer):
    """International and national formats; ambiguous digit groups need a phone word nearby."""

    def __init__(self):
        super().__init__(
            entity="PHONE_NUMBER",
            patterns=PHONE_PATTERNS,
            context_words=PHONE_CONTEXT,
            validator=is_plausible_phone,
            context_before=40,
            context_after=12,
        )

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results = [
            result
            for result in super().analyze(text, entities, nlp_artifacts)
            if result.analysis_explanation.pattern_name != "national_trunk_eu"
            or is_valid_national_number(text[result.start : result.end])
        ]
        # 699 956 915 looks like a thousands-grouped amount: keep it only when a phone word is near.
        return [
            result
            for result in results
            if not _THOUSANDS_SHAPE.match(text[result.start : result.end])
            or self.has_context(text, result.start, result.end)
        ]


def luhn_valid(value: str) -> bool:
    digits = [int(char) for char in digits_of(value)]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * digit, 10)) for digit in digits[-2::-2])
    return checksum % 10 == 0


def is_plausible_card(value: str) -> bool:
    digits = digits_of(value)
    return 12 <= len(digits) <= 19 and luhn_valid(digits)


CARD_PATTERNS = (
    # 4-4-4-4(-3) with one consistent separator, 4-6-5 (Amex), 4-6-4 (Diners)
    ScoredPattern(
        "grouped",
        r"(?<![\w+-])[1-6]\d{3}([ -])(?:\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{6}\1\d{4,5})(?![\w-])",
        0.9,
        1.0,
    ),
    ScoredPattern("unseparated", r"(?<![\w+-])[1-6]\d{11,18}(?![\w-])", 0.5, 1.0),
    # No card network starts with 0, 7, 8 or 9, but a customer who says "card" may still mean one.
    ScoredPattern("unseparated_other_prefix", r"(?<![\w+-])[07-9]\d{11,18}(?![\w-])", 0.0, 0.9),
)


class CardRecognizer(ContextRegexRecognizer):
    """Payment card numbers of 12-19 digits that pass the Luhn check."""

    def __init__(self):
        super().__init__(
            entity="CREDIT_CARD",
            patterns=CARD_PATTERNS,
            context_words=CARD_CONTEXT,
            validator=is_plausible_card,
        )


_IBAN_CANDIDATE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,32}(?!\w)", re.IGNORECASE)


def iban_checksum_valid(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


class IbanRecognizer(ContextRegexRecognizer):
    """IBANs with a valid mod-97 checksum, with or without spaces, in any letter case.

    A candidate can run into the following word ("...7654 32 to"), so shorter prefixes that end at a
    group boundary are tried too. A near-miss (typo in the checksum) is kept only next to an IBAN word.
    """

    def __init__(self):
        super().__init__(entity="IBAN_CODE", patterns=(), context_words=IBAN_CONTEXT, context_after=0)

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results = []
        for match in _IBAN_CANDIDATE.finditer(text):
            end = self._valid_end(text, match.start(), match.end())
            if end is not None:
                results.append(self._result(match.start(), end, 1.0, "checksum"))
            elif self.has_context(text, match.start(), match.end()):
                results.append(self._result(match.start(), match.end(), 0.6, "shape_with_context"))
        return results

    @staticmethod
    def _valid_end(text: str, start: int, end: int) -> int | None:
        while end - start >= 15:
            candidate = text[start:end].rstrip()
            if iban_checksum_valid(candidate):
                return start + len(candidate)
            cut = candidate.rfind(" ")
            if cut <= 0:
                return None
            end = start + cut
        return None
