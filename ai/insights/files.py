"""The theme engine over a file (manage.py voc_themes): no database reads or writes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from ai.insights.clustering import cluster
from ai.insights.naming import key_phrases, label_from_phrases


class ThemeFileError(ValueError):
    pass


@dataclass
class FileThemes:
    ids: list
    assignments: list[int | None]
    names: list[str]
    sizes: list[int]
    noise: int
    seconds: float

    def summary(self) -> dict:
        return {"themes": len(self.names), "noise": self.noise, "seconds": round(self.seconds, 3)}


def read_items(path: Path) -> tuple[list, list[str]]:
    ids, texts, seen = [], [], set()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise ThemeFileError(f"cannot read {path}: {error}")
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ThemeFileError(f"line {number}: not JSON ({error.msg})")
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise ThemeFileError(f'line {number}: expected {{"id": ..., "text": "..."}}')
            key = json.dumps(row["id"], sort_keys=True)
            if key in seen:
                raise ThemeFileError(f"line {number}: id {row['id']!r} appears twice")
            seen.add(key)
            ids.append(row["id"])
            texts.append(row["text"])
    return ids, texts


def themes_from_file(path: Path, *, seed: int = 0) -> FileThemes:
    ids, texts = read_items(path)
    started = time.monotonic()
    from gateway.embeddings import get_embedder

    vectors = get_embedder().embed_documents(texts)
    result = cluster(vectors, texts, seed=seed)
    phrases = key_phrases(
        [[texts[i] for i in range(len(texts)) if result.labels[i] == k] for k in range(result.n_themes)]
    )
    return FileThemes(
        ids=ids,
        assignments=[int(label) if label >= 0 else None for label in result.labels],
        names=[label_from_phrases(p) for p in phrases],
        sizes=[int((result.labels == k).sum()) for k in range(result.n_themes)],
        noise=result.noise,
        seconds=time.monotonic() - started,
    )
