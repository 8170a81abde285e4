"""Feeding raw messages in bulk (the email_ingest command, the fixture and fuzz benches): sources
are stdin, .eml files, folders and mbox files; the result counts every message exactly once."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from emailchannel.models import InboundEmail, Mailbox
from emailchannel.services.inbound import email_receive

logger = logging.getLogger(__name__)

BUCKET = {
    InboundEmail.Outcome.TICKET: "tickets",
    InboundEmail.Outcome.REPLY: "replies",
    InboundEmail.Outcome.BOUNCE: "replies",
    InboundEmail.Outcome.QUARANTINED: "quarantined",
    InboundEmail.Outcome.SPAM: "quarantined",
    InboundEmail.Outcome.IGNORED: "ignored",
    InboundEmail.Outcome.DISCARDED: "ignored",
    InboundEmail.Outcome.PENDING: "quarantined",
}
KEYS = ("read", "tickets", "replies", "quarantined", "ignored", "errors")


BOM = b"\xef\xbb\xbf"


def is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.removeprefix(BOM).startswith(b"From ") and path.suffix.lower() != ".eml"


def mbox_messages(data: bytes) -> Iterator[bytes]:
    """Split an mbox (mboxo/mboxrd, as Python's mailbox module does: every line starting with
    "From " starts a message; a leading byte-order mark is ignored). The "From " line is dropped."""
    current: list[bytes] | None = None
    for line in data.removeprefix(BOM).splitlines(keepends=True):
        if line.startswith(b"From "):
            if current is not None:
                yield b"".join(current)
            current = []
        elif current is not None:
            current.append(line)
    if current is not None:
        yield b"".join(current)


def raw_messages(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(where, bytes) for every message under the paths: files, folders (recursively), mbox files."""
    for path in paths:
        if path.is_dir():
            yield from raw_messages(sorted(p for p in path.rglob("*") if p.is_file() and not _skipped(p)))
        elif is_mbox(path):
            for index, raw in enumerate(mbox_messages(path.read_bytes())):
                yield f"{path}#{index}", raw
        else:
            yield str(path), path.read_bytes()


def _skipped(path: Path) -> bool:
    """Licence files and notes next to fixtures are not mail."""
    name = path.name.lower()
    if name.startswith("."):
        return True
    return name.startswith(("license", "readme", "mit-license", "source")) or name.endswith(
        ("-summary.txt", ".md")
    )


def messages_ingest(messages, *, mailbox: Mailbox | None = None) -> dict[str, int]:
    """Receive every message; count each in exactly one bucket (or errors, if storing failed)."""
    counts = Counter(dict.fromkeys(KEYS, 0))
    for where, raw in messages:
        counts["read"] += 1
        try:
            inbound = email_receive(raw=raw, mailbox=mailbox)
        except Exception:  # storing the raw bytes failed (disk, database): report, go on
            logger.exception("could not store %s", where)
            counts["errors"] += 1
            continue
        counts[BUCKET[inbound.outcome]] += 1
    return {key: counts[key] for key in KEYS}
