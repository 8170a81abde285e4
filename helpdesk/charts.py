"""Small server-rendered SVG charts for the reports page (no JavaScript, no CDN)."""

from __future__ import annotations

from functools import lru_cache

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def bar_chart(
    rows: list[tuple[str, float]], *, width: int = 420, bar_height: int = 18, unit: str = "", label: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value). The accessible name lists the values (or `label`)."""
    if not rows:
        return mark_safe("")
    top = max(value for _, value in rows) or 1
    label_w, gap = 130, 6
    height = len(rows) * (bar_height + gap)
    summary = ", ".join(f"{name}: {value:g}{unit}" for name, value in rows[:12])
    name = escape(f"{label}: {summary}" if label else summary)
    parts = [
        f'<svg class="chart" role="img" aria-label="{name}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * (bar_height + gap)
        w = max(1.0, (width - label_w - 60) * (value / top))
        text = escape(str(label))
        parts.append(
            f'<text x="0" y="{y + bar_height - 4}" class="chart-label">{text[:22]}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" class="chart-bar">'
            f"<title>{text}: {value:g}{unit}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 4}" class="chart-value">{value:g}{unit}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _nice_top(value: float) -> int:
    """The axis maximum: the next 1, 2 or 5 times a power of ten at or above `value`."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= value:
                return factor * magnitude
        magnitude *= 10


@lru_cache(maxsize=4096)
def _day_label(language: str | None, day) -> str:
    """MONTH_DAY_FORMAT of `day` in the active `language` (the key only tells the cache apart): a
    year's chart formats 365 days, which took more Python time than the rest of the page."""
    return formats.date_format(day, "MONTH_DAY_FORMAT")


def daily_chart(daily: list[dict], *, width: int = 960, height: int = 240) -> SafeString:
    """Created (bars) and solved (line) per day, with a value axis, date labels and a legend."""
    if not daily:
        return mark_safe("")
    left, right, top_pad, bottom = 34, 8, 22, 24
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice_top(max(max(d["created"], d["solved"]) for d in daily) or 1)
    step = plot_w / len(daily)
    scale = plot_h / top
    base = top_pad + plot_h
    title = escape(_("Tickets created (bars) and solved (line) per day"))
    parts = [
        f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{left}" y="4" width="10" height="10" class="chart-bar"/>'
        f'<text x="{left + 14}" y="13" class="chart-label">{escape(_("created"))}</text>'
        f'<line x1="{left + 80}" y1="9" x2="{left + 96}" y2="9" class="chart-line"/>'
        f'<text x="{left + 100}" y="13" class="chart-label">{escape(_("solved"))}</text>',
    ]
    for tick in (0, top // 2, top):  # value axis: gridlines with their numbers
        y = base - tick * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">{tick}</text>'
        )
    language = get_language()
    label_every = max(1, -(-len(daily) // 7))  # at most about seven date labels
    points = []
    for i, d in enumerate(daily):
        h = d["created"] * scale
        x = left + i * step
        day = _day_label(language, d["day"]) if hasattr(d["day"], "year") else str(d["day"])
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'class="chart-bar"><title>{escape(day)}: {d["created"]} created, {d["solved"]} solved'
            "</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 6}" text-anchor="middle" class="chart-axis">'
                f"{escape(day)}</text>"
            )
        points.append(f"{x + step / 2:.1f},{base - d['solved'] * scale:.1f}")
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" class="chart-axis-line"/>')
    parts.append(f'<polyline points="{" ".join(points)}" class="chart-line" fill="none"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
