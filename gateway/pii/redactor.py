"""Typed, conversation-consistent placeholders and the way back to the real values.

One RedactionMap belongs to one conversation (a ticket): the same e-mail address becomes the same
<EMAIL_ADDRESS_1> in every message, so the model can still write "Hi <PERSON_1>", and `restore`
puts the real value back into a reply meant for the person who gave it. The map serialises to a
plain dict to be stored with the ticket.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gateway.pii import config
from gateway.pii.engine import PiiEngine, RedactionError, get_engine
from gateway.pii.findings import Finding
from gateway.pii.spans import PLACEHOLDER_RE, resolve

logger = logging.getLogger(__name__)

MAP_FORMAT_VERSION = 1
_ESCAPED_PLACEHOLDER_RE = re.compile(r"&lt;([A-Z][A-Z_]*?)_(\d+)&gt;")
_NUMERIC_TYPES = {"PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE"}
# Values this short are too likely to occur by chance to be swept through later messages.
_MIN_SWEEP_LENGTH = 3


def normalise_value(entity_type: str, value: str) -> str:
    """The identity of a value: +1 984-182-0190 and +1 (984) 182 0190 are the same phone."""
    if entity_type in _NUMERIC_TYPES:
        return "".join(char for char in value if char.isalnum()).upper()
    return " ".join(value.split()).casefold()


@dataclass
class MappingEntry:
    placeholder: str
    entity_type: str
    value: str
    sources: list[str] = field(default_factory=list)


class RedactionMap:
    """Placeholder <-> value for one conversation."""

    def __init__(self) -> None:
        self._entries: dict[str, MappingEntry] = {}
        self._by_identity: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> list[MappingEntry]:
        return list(self._entries.values())

    def placeholder_for(self, entity_type: str, value: str, source: str | None = None) -> str:
        identity = (entity_type, normalise_value(entity_type, value))
        placeholder = self._by_identity.get(identity)
        if placeholder is None:
            self._counters[entity_type] = self._counters.get(entity_type, 0) + 1
            placeholder = f"<{entity_type}_{self._counters[entity_type]}>"
            self._by_identity[identity] = placeholder
            self._entries[placeholder] = MappingEntry(placeholder, entity_type, value)
        entry = self._entries[placeholder]
        if source is not None and source not in entry.sources:
            entry.sources.append(source)
        return placeholder

    def reserve(self, placeholders: Iterable[str]) -> None:
        """Never hand out these placeholders for new values (they are already in use in the text)."""
        for placeholder in placeholders:
            match = PLACEHOLDER_RE.fullmatch(placeholder)
            if match is not None:
                entity_type, number = match.group(1), int(match.group(2))
                self._counters[entity_type] = max(self._counters.get(entity_type, 0), number)

    def value_of(self, placeholder: str) -> str | None:
        entry = self._entries.get(placeholder)
        return entry.value if entry else None

    def restore(self, text: str, *, sources: Iterable[str] | None = None) -> str:
        """Put real values back. With `sources`, only values one of those sources gave are restored.

        Placeholders that stay (unknown, or from another source) are left as they are, so the caller
        can see them with `placeholders_in` and decide. An HTML-escaped placeholder gets an escaped value.
        """
        allowed = set(sources) if sources is not None else None

        def value_for(match: re.Match, escape: bool) -> str:
            entry = self._entries.get(f"<{match.group(1)}_{match.group(2)}>")
            if entry is None or (allowed is not None and not allowed.intersection(entry.sources)):
                return match.group(0)
            return html.escape(entry.value) if escape else entry.value

        text = PLACEHOLDER_RE.sub(lambda match: value_for(match, escape=False), text)
        return _ESCAPED_PLACEHOLDER_RE.sub(lambda match: value_for(match, escape=True), text)

    def known_findings(self, text: str) -> list[Finding]:
        """Earlier values found again verbatim, so a name spaCy missed this time is still hidden."""
        findings = []
        for entry in self._entries.values():
            if len(entry.value) < _MIN_SWEEP_LENGTH:
                continue
            pattern = re.escape(entry.value)
            if entry.value[0].isalnum():
                pattern = r"(?<!\w)" + pattern
            if entry.value[-1].isalnum():
                pattern += r"(?!\w)"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                findings.append(Finding(entry.entity_type, match.start(), match.end(), 1.0))
        return findings

    def to_dict(self) -> dict:
        return {
            "version": MAP_FORMAT_VERSION,
            "entries": [
                {
                    "placeholder": entry.placeholder,
                    "entity_type": entry.entity_type,
                    "value": entry.value,
                    "sources": list(entry.sources),
                }
                for entry in self._entries.values()
            ],
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> RedactionMap:
        mapping = cls()
        if not data:
            return mapping
        if data.get("version") != MAP_FORMAT_VERSION:
            raise ValueError(f"unsupported redaction map version: {data.get('version')!r}")
        for item in data["entries"]:
            entity_type, value = item["entity_type"], item["value"]
            match = PLACEHOLDER_RE.fullmatch(item["placeholder"])
            if match is None or match.group(1) != entity_type:
                raise ValueError(f"malformed placeholder in redaction map: {item['placeholder']!r}")
            entry = MappingEntry(item["placeholder"], entity_type, value, list(item.get("sources", [])))
            mapping._entries[entry.placeholder] = entry
            mapping._by_identity[(entity_type, normalise_value(entity_type, value))] = entry.placeholder
            mapping._counters[entity_type] = max(mapping._counters.get(entity_type, 0), int(match.group(2)))
        return mapping


def placeholders_in(text: str) -> list[str]:
    return [match.group(0) for match in PLACEHOLDER_RE.finditer(text)]


class Redactor:
    """Redacts the texts of one conversation into one RedactionMap. Fails closed with RedactionError."""

    def __init__(
        self,
        mapping: RedactionMap | None = None,
        *,
        engine: PiiEngine | None = None,
        timeout_s: float | None = None,
        allow_patterns: Iterable[str] | None = None,
        allow_terms: Iterable[str] | None = None,
    ) -> None:
        self.mapping = mapping if mapping is not None else RedactionMap()
        self._engine = engine
        self.timeout_s = timeout_s if timeout_s is not None else config.timeout_seconds()
        patterns = tuple(allow_patterns) if allow_patterns is not None else config.allow_patterns()
        terms = tuple(allow_terms) if allow_terms is not None else config.allow_terms()
        self.allow_regex = config.compile_allow_patterns(patterns + config.terms_as_patterns(terms))

    @property
    def engine(self) -> PiiEngine:
        if self._engine is None:
            try:
                self._engine = get_engine()
            except Exception as error:
                raise RedactionError(f"PII engine could not be built: {error}") from error
        return self._engine

    def find(self, text: str) -> list[Finding]:
        """The spans `redact` replaces: analyzer findings plus known values, allow-list applied, merged."""
        findings = self.engine.analyze_with_timeout(text, self.timeout_s)
        findings += self.mapping.known_findings(text)
        return resolve(text, findings, self.allow_regex)

    def redact(self, text: str, *, source: str | None = None) -> str:
        """Replace PII with placeholders. `source` records who gave the values (e.g. "customer")."""
        if not text:
            return text
        spans = self.find(text)
        pieces, cursor = [], 0
        for span in spans:
            pieces.append(text[cursor : span.start])
            pieces.append(self.mapping.placeholder_for(span.entity_type, text[span.start : span.end], source))
            cursor = span.end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def redact_many(self, texts: Iterable[str], *, source: str | None = None) -> list[str]:
        return [self.redact(text, source=source) for text in texts]

    def restore(self, text: str, *, sources: Iterable[str] | None = None) -> str:
        return self.mapping.restore(text, sources=sources)


def redact(text: str, *, mapping: RedactionMap | None = None, source: str | None = None) -> str:
    """Redact one text; pass the conversation's `mapping` to keep placeholders consistent."""
    return Redactor(mapping).redact(text, source=source)


def redact_for_log(text: str) -> str:
    """Redact before anything AI-related is logged. Never raises and never returns the raw text."""
    if not text:
        return text
    try:
        return Redactor().redact(text)
    except RedactionError:
        logger.warning("PII redaction failed while preparing a log line; the text was withheld")
        return f"[withheld: PII redaction failed, {len(text)} characters]"
