"""Small statistics for the weekly report: ISO weeks in the company time zone, rates, medians,
percentiles, the Wilson 95% interval, and a greedy word-overlap clustering of knowledge gaps."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.utils import timezone

Z95 = 1.959964


@dataclass(frozen=True)
class Week:
    start: dt.date  # Monday

    @property
    def label(self) -> str:
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7)

    def bounds(self, tz=None) -> tuple[dt.datetime, dt.datetime]:
        tz = tz or timezone.get_default_timezone()
        return (dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
                dt.datetime.combine(self.end, dt.time.min, tzinfo=tz))  # fmt: skip

    def previous(self, n: int = 1) -> Week:
        return Week(self.start - dt.timedelta(weeks=n))


WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def week_parse(text: str) -> Week:
    """'2026-W48' -> that week; ValueError with a clear message otherwise."""
    match = WEEK_RE.match((text or "").strip())
    if not match:
        raise ValueError(f"Not an ISO week: {text!r} (expected YYYY-Www, e.g. 2026-W48).")
    try:
        return Week(dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))
    except ValueError as error:
        raise ValueError(f"Not an ISO week: {text!r} ({error}).") from None


def week_of(day: dt.date) -> Week:
    return Week(day - dt.timedelta(days=day.weekday()))


def last_complete_week(now: dt.datetime | None = None) -> Week:
    """The week before the current one, in the company time zone."""
    today = timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()
    return week_of(today).previous()


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 3) if values else None


def percentile(values, fraction: float) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    value = values[low] + (values[high] - values[low]) * (position - low)
    return round(value, 3)


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None without observations."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "have",
        "from",
        "your",
        "you",
        "are",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "how",
        "can",
        "could",
        "would",
        "there",
        "their",
        "about",
        "after",
        "before",
        "into",
        "just",
        "please",
        "thanks",
        "thank",
        "hello",
        "dear",
        "regards",
        "does",
        "doesn",
        "want",
        "need",
        "eine",
        "einer",
        "einen",
        "nicht",
        "ich",
        "mein",
        "meine",
        "mit",
        "und",
        "oder",
        "wie",
        "was",
        "wann",
    ]
)
PLACEHOLDER = re.compile(r"<[A-Z_]+(?:_\d+)?>|\[[A-Z_]+(?:_\d+)?\]")


def _words(text: str) -> frozenset[str]:
    text = PLACEHOLDER.sub(" ", text.lower())
    return frozenset(w for w in re.findall(r"[a-zäöüß]{4,}", text) if w not in STOP)


def cluster_texts(texts: list[str], *, threshold: float = 0.25, limit: int = 10) -> list[dict]:
    """Greedy clustering by word overlap (Jaccard): [{"example", "n", "words"}], biggest first."""
    clusters: list[dict] = []
    for text in texts:
        words = _words(text)
        if not words:
            continue
        best, best_score = None, 0.0
        for cluster in clusters:
            score = len(words & cluster["vocab"]) / len(words | cluster["vocab"])
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score >= threshold:
            best["n"] += 1
            best["counts"].update({w: best["counts"].get(w, 0) + 1 for w in words})
        else:
            clusters.append({"example": text, "n": 1, "vocab": words, "counts": dict.fromkeys(words, 1)})
    clusters.sort(key=lambda c: -c["n"])
    return [
        {"example": c["example"][:160], "n": c["n"],
         "words": [w for w, _n in sorted(c["counts"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]]}
        for c in clusters[:limit]
    ]  # fmt: skip
