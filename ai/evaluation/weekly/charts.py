"""Server-side SVG for the weekly report: the 12-week trend (one line per rate) and the review
accuracy trend with its 95% interval. No JavaScript; styles come from static CSS classes."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SERIES = [("confirmed", "Confirmed"), ("assumed", "Assumed"), ("reopened", "Reopened"),
          ("escalated", "Escalated"), ("blocked", "Blocked")]  # fmt: skip


def trend_chart(weeks: list[dict], *, width: int = 720, height: int = 220) -> SafeString:
    """weeks: [{"week": "2026-W40", "rates": {"confirmed": 0.4, ...}}, ...] oldest first."""
    if not weeks:
        return mark_safe("")
    left, bottom, top_pad = 40, 24, 10
    plot_w, plot_h = width - left - 110, height - bottom - top_pad
    step = plot_w / max(1, len(weeks) - 1)
    parts = [f'<svg class="chart trend-chart" role="img" aria-label="12-week trend" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">']  # fmt: skip
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top_pad + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
                     f'<text x="0" y="{y + 4:.1f}" class="chart-label">{tick * 100:.0f}%</text>')  # fmt: skip
    for i, week in enumerate(weeks):
        if len(weeks) <= 12 or i % 2 == 0:
            x = left + i * step
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" class="chart-label" text-anchor="middle">'
                         f"{escape(week['week'][-3:])}</text>")  # fmt: skip
    for n, (key, label) in enumerate(SERIES):
        points = []
        for i, week in enumerate(weeks):
            value = (week.get("rates") or {}).get(key)
            if value is not None:
                points.append((left + i * step, top_pad + plot_h * (1 - value), value, week["week"]))
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _w in points)
        parts.append(f'<polyline points="{path}" class="trend-line trend-{key}" fill="none"/>')
        for x, y, value, week_label in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="trend-dot trend-{key}">'
                         f"<title>{escape(week_label)} {label}: {value * 100:.1f}%</title></circle>")  # fmt: skip
        parts.append(f'<text x="{left + plot_w + 8}" y="{top_pad + 14 + n * 16}" class="chart-label trend-{key}">'
                     f"{label}</text>")  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))


def accuracy_chart(weeks: list[dict], *, width: int = 720, height: int = 160) -> SafeString:
    """Graded accuracy per week, with the 95% interval as a vertical bar."""
    graded = [w for w in weeks if (w.get("review") or {}).get("accuracy") is not None]
    if not graded:
        return mark_safe("")
    left, bottom = 40, 22
    plot_w, plot_h = width - left - 20, height - bottom - 8
    step = plot_w / max(1, len(graded) - 1)
    parts = [f'<svg class="chart accuracy-chart" role="img" aria-label="graded accuracy" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">']  # fmt: skip
    points = []
    for i, week in enumerate(graded):
        review = week["review"]
        x = left + i * step
        y = 8 + plot_h * (1 - review["accuracy"])
        if review.get("ci95"):
            low, high = review["ci95"]
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{8 + plot_h * (1 - high):.1f}" '
                         f'y2="{8 + plot_h * (1 - low):.1f}" class="ci-bar"/>')  # fmt: skip
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="trend-dot"><title>{escape(week["week"])}: '
                     f"{review['accuracy'] * 100:.1f}% ({review['graded']} graded)</title></circle>"
                     f'<text x="{x:.1f}" y="{height - 4}" class="chart-label" text-anchor="middle">'
                     f"{escape(week['week'][-3:])}</text>")  # fmt: skip
    parts.append(f'<polyline points="{" ".join(points)}" class="trend-line" fill="none"/></svg>')
    return mark_safe("".join(parts))
