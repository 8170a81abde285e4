"""Grow a found street line into the whole postal address around it.

The recognizers find the distinctive part of an address ("Koskikatu 25", "Apt. 864"). The parts
that identify the place as much (house number before it, town, region code, postal code, country
on the following lines) look like ordinary words and numbers on their own, so they are taken only
when they continue a found street line.
"""

from __future__ import annotations

import re

from gateway.pii.findings import Finding

ADDRESS_TAIL_SCORE = 0.5
_MAX_TAIL_PIECES = 6

_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩЀ-Я(][\w'’.()-]*"
_POSTAL_CODE = r"\d{3,6}(?:[ -]\d{2,4})?"
_PLACE_JOINERS = r"de|do|da|del|la|le|du|des|van|von|of|am|an|im|upon|on|sur"
# Between the street line and the next piece: spaces or a comma on the line, or a line break
# (mail quoting ">" allowed), never a full stop.
_SEPARATOR = r"(?=[ \t,\n])[ \t]*,?[ \t]*(?:\n[ \t>]*,?[ \t]*)?"
# Sign-offs and greetings often follow an address on the next line.
_NOT_PLACES = (
    r"(?!(?i:thanks|thank|thx|regards|best|cheers|kind|sincerely|yours|please|hello|hi|dear|bye|greetings|"
    r"br|mfg|sent|from|tel|phone|mobile|fax|email|e-mail)\b)"
)
_TAIL_PIECE = re.compile(
    _SEPARATOR
    + _NOT_PLACES
    + r"(?P<piece>"
    + r"(?i:apt|apartment|suite|ste|unit|flat|floor)\.?[ ]?#?\d{1,5}[A-Z]?"
    + rf"|{_POSTAL_CODE}"
    + r"|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}"
    + rf"|(?:nan|{_CAPITALISED})(?:[ ](?:{_CAPITALISED}|{_POSTAL_CODE}|{_PLACE_JOINERS}))*"
    + r")"
    # A piece ends where the address does: a comma, a line end, the text end or a sentence end.
    + r"(?=[ \t]*(?:,|\n|$|[.?!](?:\s|$)))"
)
_LEADING_HOUSE_NUMBER = re.compile(r"(?:^|(?<=[\s>]))\d{1,6}[A-Za-z]?[ ]+$")


def extend_addresses(text: str, findings: list[Finding]) -> list[Finding]:
    """Extra STREET_ADDRESS findings for the house number before and the lines after each street."""
    added = []
    for finding in findings:
        if finding.entity_type != "STREET_ADDRESS":
            continue
        before = _LEADING_HOUSE_NUMBER.search(text, max(0, finding.start - 12), finding.start)
        if before:
            added.append(Finding("STREET_ADDRESS", before.start(), finding.end, ADDRESS_TAIL_SCORE))
        end = finding.end
        for _ in range(_MAX_TAIL_PIECES):
            tail = _TAIL_PIECE.match(text, end)
            if tail is None:
                break
            end = tail.end("piece")
        if end > finding.end:
            # From the street's start, so the merge joins them into one placeholder.
            added.append(Finding("STREET_ADDRESS", finding.start, end, ADDRESS_TAIL_SCORE))
    return added
