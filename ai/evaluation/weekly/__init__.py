"""The weekly evaluation loop: outcome classes, the weekly report builder, its CSV and SVG charts.
See docs/ai-evaluation.md."""
