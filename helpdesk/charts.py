"""Small server-rendered SVG charts for the reports page (no JavaScript, no CDN)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    rows: list[tuple[str, float]], *, width: int = 420, bar_height: int = 18, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value)."""
    if not rows:
        return mark_safe("")
    top = max(value for _, value in rows) or 1
    label_w, gap = 130, 6
    height = len(rows) * (bar_height + gap)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
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


def daily_chart(daily: list[dict], *, width: int = 720, height: int = 160) -> SafeString:
    """Created (bars) and solved (line) per day."""
    if not daily:
        return mark_safe("")
    top = max(max(d["created"], d["solved"]) for d in daily) or 1
    step = width / len(daily)
    scale = (height - 20) / top
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
    ]
    points = []
    for i, d in enumerate(daily):
        h = d["created"] * scale
        x = i * step
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{height - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'class="chart-bar"><title>{escape(str(d["day"]))}: {d["created"]} created, {d["solved"]} solved'
            "</title></rect>"
        )
        points.append(f"{x + step / 2:.1f},{height - d['solved'] * scale:.1f}")
    parts.append(f'<polyline points="{" ".join(points)}" class="chart-line" fill="none"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
