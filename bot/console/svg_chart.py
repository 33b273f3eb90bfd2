"""Small server-side SVG charts (no script, no style attributes, so the console's CSP stays as it is).

Each chart is ``role="img"`` with a title; the page shows the same numbers in a table for screen readers.
A row's value ``None`` means "suppressed" (fewer than the small-cell threshold): no bar, only its label.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#2a6f97"
MUTED = "#8a94a6"
TEXT = "#1d2330"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float | None, str]], width: int = 620) -> Markup:
    """Horizontal bars: ``rows`` are (label, value or None, text shown after the bar)."""
    label_w, row_h, top = 210, 24, 8
    plot_w = width - label_w - 70
    top_value = max([v for _, v, _ in rows if v] or [1])
    height = top + row_h * max(len(rows), 1) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
             f'aria-labelledby="{escape(chart_id)}-title" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title id="{escape(chart_id)}-title">{escape(title)}</title>']
    for i, (label, value, shown) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="{TEXT}">'
                     f'{escape(label)}</text>')
        bar_w = 0.0 if not value else max(1.0, plot_w * value / top_value)
        if value is not None:
            parts.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{_num(bar_w)}" height="{row_h - 8}"'
                         f' fill="{BAR}"><title>{escape(label)}: {escape(shown)}</title></rect>')
        colour = TEXT if value is not None else MUTED
        parts.append(f'<text x="{_num(label_w + bar_w + 6)}" y="{y + 16}" font-size="13" fill="{colour}">'
                     f'{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text above is escaped


def column_chart(chart_id: str, title: str, columns: list[tuple[str, float | None, str]], width: int = 620,
                 height: int = 180) -> Markup:
    """Vertical columns over time: ``columns`` are (x label, value or None, text); first and last x labels shown."""
    left, bottom, top = 36, 22, 10
    plot_w, plot_h = width - left - 8, height - top - bottom
    top_value = max([v for _, v, _ in columns if v] or [1])
    step = plot_w / max(len(columns), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
             f'aria-labelledby="{escape(chart_id)}-title" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="{MUTED}"/>',
             f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="11" fill="{TEXT}">'
             f'{escape(_num(top_value))}</text>']
    for i, (label, value, shown) in enumerate(columns):
        x = left + i * step
        tip = f"<title>{escape(label)}: {escape(shown)}</title>"
        if value is None:
            parts.append(f'<rect class="bar suppressed" x="{_num(x + step * .15)}" y="{top + plot_h - 3}" '
                         f'width="{_num(max(step * .7, 1))}" height="3" fill="{MUTED}">{tip}</rect>')
        elif value:
            h = plot_h * value / top_value
            parts.append(f'<rect class="bar" x="{_num(x + step * .15)}" y="{_num(top + plot_h - h)}" '
                         f'width="{_num(max(step * .7, 1))}" height="{_num(h)}" fill="{BAR}">{tip}</rect>')
    for i in sorted({0, len(columns) - 1}) if columns else []:
        anchor = "start" if i == 0 else "end"
        x = left if i == 0 else width - 8
        parts.append(f'<text x="{x}" y="{height - 6}" text-anchor="{anchor}" font-size="11" fill="{TEXT}">'
                     f'{escape(columns[i][0])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text above is escaped
