"""Runs per day as stacked bars by status, with the mean duration as a line: inline SVG, no JavaScript."""

from __future__ import annotations

from html import escape
from typing import Any

COLOURS = {"ok": "#2e7d32", "warning": "#f9a825", "failed": "#c62828", "incomplete": "#6a1b9a",
           "interrupted": "#ef6c00", "running": "#1565c0", "queued": "#90a4ae"}
WIDTH, HEIGHT, PAD = 640, 180, 28


def runs_chart(days: list[dict[str, Any]]) -> str:
    """The SVG of runs per day (bars by status) and mean duration (line, right axis)."""
    if not days:
        return ""
    most = max([sum(d["counts"].values()) for d in days] + [1])
    slowest = max([d["mean_seconds"] for d in days] + [0.001])
    slot = (WIDTH - 2 * PAD) / len(days)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="runs per day" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" class="chart">',
             f'<text x="{PAD}" y="12" font-size="10">runs per day (max {most}); line: mean duration '
             f'(max {slowest:.1f} s)</text>']
    points = []
    for index, day in enumerate(days):
        x = PAD + index * slot
        base = HEIGHT - PAD
        for status, count in sorted(day["counts"].items()):
            height = (HEIGHT - 2 * PAD) * count / most
            base -= height
            parts.append(f'<rect class="bar bar-{escape(status)}" x="{x + 2:.1f}" y="{base:.1f}" '
                         f'width="{max(slot - 4, 1):.1f}" height="{height:.1f}" fill="{COLOURS.get(status, "#555")}">'
                         f'<title>{day["day"]}: {count} {escape(status)}</title></rect>')
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * day["mean_seconds"] / slowest
        points.append(f"{x + slot / 2:.1f},{y:.1f}")
        if index % max(1, len(days) // 7) == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="9">{str(day["day"])[5:]}</text>')
    parts.append(f'<polyline class="duration" fill="none" stroke="#333" stroke-width="1.5" '
                 f'points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return "".join(parts)
