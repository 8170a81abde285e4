"""PII in an answer that nobody gave: e-mail addresses, phone numbers, card numbers and IBANs.

An answer may repeat what the customer wrote or what a cited article says (a support address, a
hotline). Anything else is either leaked from somewhere else or invented, and both are removed. Values
are compared in a canonical form (lower-cased e-mail, digits only for numbers), so "+49 30 1234567"
and "030/1234567" written by the customer still count as given when only the formatting differs in
the trailing digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d ()./-]{6,18}\d(?!\w)")
# Suffix length used to recognise the same phone number written with or without country code.
PHONE_MATCH_DIGITS = 8


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def luhn_valid(number: str) -> bool:
    digits = [int(ch) for ch in _digits(number)]
    if not 13 <= len(digits) <= 19:
        return False
    checksum = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        checksum += digit
    return checksum % 10 == 0


def _looks_like_phone(candidate: str) -> bool:
    digits = _digits(candidate)
    if not 7 <= len(digits) <= 15:
        return False
    # Dates ("2024-05-01"), version numbers and amounts ("1.299.00") are not phones.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|[\d.,]+", candidate.strip()):
        return False
    return candidate.strip().startswith(("+", "00", "0", "(")) or len(re.findall(r"[ ()./-]", candidate)) >= 1


class _Known:
    def __init__(self, texts: Sequence[str]):
        joined = "\n".join(texts)
        self.emails = {email.lower() for email in EMAIL.findall(joined)}
        self.digit_runs = [_digits(match) for match in re.findall(r"[+\d][\d ()./-]{5,}\d", joined)]
        self.ibans = {re.sub(r"\s", "", iban) for iban in IBAN.findall(joined)}

    def has_number(self, digits: str) -> bool:
        tail = digits[-PHONE_MATCH_DIGITS:]
        return any(digits == run or (len(tail) >= 7 and run.endswith(tail)) for run in self.digit_runs)


def find_foreign_pii(text: str, *, known_texts: Sequence[str]) -> tuple[str, list[str]]:
    """Remove PII not present in ``known_texts``; returns (cleaned text, problems)."""
    known = _Known(known_texts)
    problems: list[str] = []

    def replace_email(match):
        if match.group(0).lower() in known.emails:
            return match.group(0)
        problems.append("foreign_pii: email address")
        return "[removed]"

    def replace_iban(match):
        if re.sub(r"\s", "", match.group(0)) in known.ibans:
            return match.group(0)
        problems.append("foreign_pii: IBAN")
        return "[removed]"

    def replace_card(match):
        if not luhn_valid(match.group(0)) or known.has_number(_digits(match.group(0))):
            return match.group(0)
        problems.append("foreign_pii: card number")
        return "[removed]"

    def replace_phone(match):
        candidate = match.group(0)
        if not _looks_like_phone(candidate) or known.has_number(_digits(candidate)):
            return candidate
        problems.append("foreign_pii: phone number")
        return "[removed]"

    cleaned = EMAIL.sub(replace_email, text)
    cleaned = IBAN.sub(replace_iban, cleaned)
    cleaned = CARD.sub(replace_card, cleaned)
    cleaned = PHONE.sub(replace_phone, cleaned)
    return cleaned, problems
