"""Development splits for eval_triage from the shared datasets (fixed seed; never committed data).

    python bench/triage_splits.py ../shared/datasets var/datasets

banking77/      train.csv + val.csv: a stratified 10% validation split carved from the official train
banking77_oos/  train.csv (in-scope train + ID-OOS train as "oos") and val.csv (valid + ID-OOS and
                OOD-OOS valid as "oos")
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 0


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    print(f"{path}: {len(rows)} rows")


def banking77(source: Path, out: Path) -> None:
    with open(source / "train.csv", newline="", encoding="utf-8") as handle:
        rows = [(row["text"], row["category"]) for row in csv.DictReader(handle)]
    by_label = defaultdict(list)
    for row in rows:
        by_label[row[1]].append(row)
    rng = random.Random(SEED)
    train, val = [], []
    for label in sorted(by_label):
        members = by_label[label][:]
        rng.shuffle(members)
        cut = max(1, round(len(members) * 0.1))
        val += members[:cut]
        train += members[cut:]
    write(out / "train.csv", train)
    write(out / "val.csv", val)


def _lines(folder: Path, label_file: str = "label") -> list[tuple[str, str]]:
    texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (folder / label_file).read_text(encoding="utf-8").splitlines()
    return [(text.strip(), label.strip()) for text, label in zip(texts, labels, strict=True) if text.strip()]


def banking77_oos(source: Path, out: Path) -> None:
    write(out / "train.csv", _lines(source / "train") + _lines(source / "id-oos" / "train"))
    write(
        out / "val.csv",
        _lines(source / "valid") + _lines(source / "id-oos" / "valid") + _lines(source / "ood-oos" / "valid"),
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    shared, out = Path(sys.argv[1]), Path(sys.argv[2])
    banking77(shared / "banking77", out / "banking77")
    banking77_oos(shared / "banking77_oos", out / "banking77_oos")
