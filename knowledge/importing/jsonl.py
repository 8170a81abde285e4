"""Read a JSONL file: one `{"doc_id", "title", "text", "url"?, "language"?, "category"?, "summary"?}` per line.

`text` is taken as markdown (plain text is valid markdown). A line without `title` gets the first
line of its text as title. Bad lines are reported with their line number and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from knowledge.importing.records import ImportRecord, Skipped


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def read_jsonl(path: Path, *, max_bytes: int, language: str = "en") -> Iterator[ImportRecord | Skipped]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            item = f"line {number}"
            if len(raw) > max_bytes:
                yield Skipped(item, f"too large ({len(raw)} bytes; limit {max_bytes})")
                continue
            try:
                yield parse_line(raw, language=language)
            except LineSkip as skip:
                yield Skipped(item, str(skip))


class LineSkip(Exception):
    pass


def parse_line(raw: bytes, *, language: str = "en") -> ImportRecord:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LineSkip(f"invalid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise LineSkip("not a JSON object")
    doc_id = data.get("doc_id", data.get("id"))
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        raise LineSkip("missing doc_id")
    if not isinstance(doc_id, (str, int)):
        raise LineSkip("doc_id must be a string or number")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LineSkip("missing text")
    fields = {}
    for name in ("title", "url", "language", "category", "summary"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise LineSkip(f"{name} must be a string")
        fields[name] = (value or "").strip()
    title = fields["title"] or text.strip().splitlines()[0][:120]
    return ImportRecord(
        external_id=str(doc_id).strip(),
        title=title,
        body_md=text.strip(),
        language=fields["language"] or language,
        summary=fields["summary"],
        category=fields["category"],
        source_url=fields["url"],
    )
