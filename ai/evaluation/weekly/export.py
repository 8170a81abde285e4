"""The weekly report as CSV rows (section, key, value): every figure, flattened."""

from __future__ import annotations

import csv
import io


def _flatten(prefix: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, rows)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, inner in enumerate(value):
            _flatten(f"{prefix}[{i}]", inner, rows)
    elif isinstance(value, list):
        rows.append((prefix, ";".join(str(v) for v in value)))
    else:
        rows.append((prefix, "" if value is None else value))


def report_csv(data: dict) -> str:
    rows: list = []
    _flatten("", data, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week", "figure", "value"])
    for key, value in rows:
        text = str(value)
        if text[:1] in ("=", "+", "-", "@") and not _numeric(text):
            text = "'" + text  # never a formula in a spreadsheet
        writer.writerow([data.get("week", ""), key, text])
    return out.getvalue()


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
