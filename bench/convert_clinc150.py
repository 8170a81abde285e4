"""Convert CLINC150 JSON (data_full_trainval.json etc.) into eval_triage CSVs (text,label).

    python bench/convert_clinc150.py ../shared/datasets/clinc150/data_full_trainval.json var/datasets/clinc150

writes train.csv (train + oos_train) and val.csv (val + oos_val); out-of-scope rows get label "oos",
so `manage.py eval_triage --train train.csv --test val.csv --oos-label oos` runs the CLINC setting.
A `test`/`oos_test` pair in the JSON (the full release has it) becomes test.csv.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

SPLITS = {"train": ("train", "oos_train"), "val": ("val", "oos_val"), "test": ("test", "oos_test")}


def convert(source: Path, out_dir: Path) -> dict[str, int]:
    data = json.loads(source.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, keys in SPLITS.items():
        rows = [(text, label) for key in keys for text, label in data.get(key, [])]
        if not rows:
            continue
        with open(out_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows(rows)
        written[name] = len(rows)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for split, count in convert(Path(sys.argv[1]), Path(sys.argv[2])).items():
        print(f"{split:6} {count:6} rows")
