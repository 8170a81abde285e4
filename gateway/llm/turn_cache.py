"""Redact each conversation turn once: stored PII analyses of earlier messages, reused.

An answer with history redacts the question and up to eight earlier turns. The PII engine keeps its
analysis per text in memory (gateway.pii.engine.AnalysisCache), but a worker process starts empty and
several workers do not share it, so every answer re-analysed the whole history (~0.3-0.5 s a turn).
Here the analysis of each turn (entity types and offsets, never text) is stored in
gateway.TurnAnalysis under the turn's scope (e.g. "helpdesk.message:42"):

    with turn_analyses({"helpdesk.message:41": earlier_text, "helpdesk.message:42": new_text}):
        ...redact as usual (Redactor.redact); known turns cost a dictionary lookup...

On entry the stored analyses are put into the engine's memory; on exit the analyses the engine
made meanwhile are stored. Only the slow, text-only part is cached: redaction itself still runs
every time with the conversation's map, allow-lists and the sweep for values found in later turns.
A stored analysis counts only if its digest matches: sha256 over the turn's text and the PII
engine's fingerprint (its source code, mode and spaCy model), so an edited message or a changed
engine is analysed afresh and the row replaced. Loading and storing are best effort: an error is
logged and the answer goes on (its turns are analysed as before).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from gateway.pii import Finding, get_engine, pii_engine_status
from gateway.pii import config as pii_config

logger = logging.getLogger(__name__)
PII_PACKAGE = Path(__file__).resolve().parent.parent / "pii"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """What the analysis of a text depends on besides the text: the PII code, mode and model."""
    digest = hashlib.sha256()
    for path in sorted(PII_PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"{pii_engine_status().mode}\0{pii_config.spacy_model_name()}".encode())
    return digest.hexdigest()


def turn_digest(text: str) -> str:
    return hashlib.sha256(f"{engine_fingerprint()}\0{text}".encode()).hexdigest()


def analyses_load(turns: Mapping[str, str]) -> int:
    """Put the stored analyses of these turns (scope -> text) into the engine's memory; the hits."""
    from gateway.models import TurnAnalysis

    wanted = {scope: text for scope, text in turns.items() if text}
    if not wanted:
        return 0
    memory, hits = get_engine().analyses, 0
    for scope, digest, findings in TurnAnalysis.objects.filter(scope__in=wanted).values_list(
        "scope", "digest", "findings"
    ):
        text = wanted[scope]
        if digest == turn_digest(text):
            memory.put(
                text,
                tuple(
                    Finding(kind, int(start), int(end), float(score)) for kind, start, end, score in findings
                ),
            )
            hits += 1
    return hits


def analyses_store(turns: Mapping[str, str]) -> int:
    """Store the engine's in-memory analyses of these turns where the database lacks them; the count."""
    from gateway.models import TurnAnalysis

    memory = get_engine().analyses
    digests = {scope: turn_digest(text) for scope, text in turns.items() if text}
    stored = dict(TurnAnalysis.objects.filter(scope__in=digests).values_list("scope", "digest"))
    rows = []
    for scope, digest in digests.items():
        if stored.get(scope) == digest:
            continue
        findings = memory.get(turns[scope])
        if findings is None:  # not analysed in this run (redaction failed, or the turn was skipped)
            continue
        rows.append(
            TurnAnalysis(
                scope=scope,
                digest=digest,
                findings=[[f.entity_type, f.start, f.end, f.score] for f in findings],
            )
        )
    if rows:
        TurnAnalysis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["digest", "findings", "updated_at"],
        )
    return len(rows)


@contextmanager
def turn_analyses(turns: Mapping[str, str]) -> Iterator[None]:
    """Load the turns' stored analyses before the block and store the new ones after it."""
    try:
        analyses_load(turns)
    except Exception:  # a cache must never stop an answer: the turns are simply analysed again
        logger.warning("stored PII analyses could not be read; the turns are analysed again", exc_info=True)
    try:
        yield
    finally:  # also when the block failed later on: the analyses it made are right all the same
        try:
            analyses_store(turns)
        except Exception:
            logger.warning(
                "PII analyses could not be stored; the next answer analyses them again", exc_info=True
            )
