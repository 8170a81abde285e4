"""Turn raw analyzer findings into the non-overlapping spans that are actually replaced."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gateway.pii.engine import NER_SCORE
from gateway.pii.findings import Finding

# A placeholder we wrote earlier is never PII itself; redacting twice must not change the text.
PLACEHOLDER_RE = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
_MIN_TRIMMED_LENGTH = 2


def allowed_ranges(text: str, allow_regex: re.Pattern | None) -> list[tuple[int, int]]:
    ranges = [match.span() for match in PLACEHOLDER_RE.finditer(text)]
    if allow_regex is not None:
        ranges += [match.span() for match in allow_regex.finditer(text) if match.end() > match.start()]
    return sorted(ranges)


# A name or place the model reads into an allowed identifier ("Order ORD-2291") is a misreading.
_DROPPED_WHEN_OVERLAPPING_ALLOWED = {"PERSON", "LOCATION"}


def remove_allowed(findings: Iterable[Finding], ranges: list[tuple[int, int]]) -> list[Finding]:
    """Drop findings inside an allowed range; cut allowed parts out of findings that straddle one."""
    kept = []
    for finding in findings:
        overlapping = [(s, e) for s, e in ranges if s < finding.end and finding.start < e]
        if overlapping and finding.entity_type in _DROPPED_WHEN_OVERLAPPING_ALLOWED:
            continue
        pieces = [(finding.start, finding.end)]
        for allowed_start, allowed_end in overlapping:
            next_pieces = []
            for start, end in pieces:
                if allowed_end <= start or allowed_start >= end:
                    next_pieces.append((start, end))
                    continue
                if start < allowed_start:
                    next_pieces.append((start, allowed_start))
                if allowed_end < end:
                    next_pieces.append((allowed_end, end))
            pieces = next_pieces
        kept += [
            Finding(finding.entity_type, start, end, finding.score)
            for start, end in pieces
            if end - start >= _MIN_TRIMMED_LENGTH
        ]
    return kept


def strip_whitespace(text: str, findings: Iterable[Finding]) -> list[Finding]:
    stripped = []
    for finding in findings:
        start, end = finding.start, finding.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            stripped.append(Finding(finding.entity_type, start, end, finding.score))
    return stripped


def _type_rank(finding: Finding) -> tuple:
    # A pattern beats the NER model; among patterns the longer match saw more of the value
    # ("17031 2202 Rissik St" is an address, not the phone number "17031 2202").
    return (finding.score > NER_SCORE, finding.end - finding.start, finding.score)


def merge_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Merge overlapping findings into one span, typed by its best member (see _type_rank).

    Choosing one finding and dropping the other would leave the loser's extra characters visible;
    the union hides everything any recognizer flagged.
    """
    merged: list[list[Finding]] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < max(member.end for member in merged[-1]):
            merged[-1].append(finding)
        else:
            merged.append([finding])
    spans = []
    for group in merged:
        strongest = max(group, key=_type_rank)
        spans.append(
            Finding(
                strongest.entity_type,
                min(member.start for member in group),
                max(member.end for member in group),
                strongest.score,
            )
        )
    return spans


def resolve(text: str, findings: Iterable[Finding], allow_regex: re.Pattern | None) -> list[Finding]:
    findings = remove_allowed(findings, allowed_ranges(text, allow_regex))
    return merge_overlaps(strip_whitespace(text, findings))
