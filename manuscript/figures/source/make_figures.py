#!/usr/bin/env python3
"""Draw the three charts of the sample report from the CSV files beside this script.

Usage:  python3 make_figures.py

Reads  exercises.csv, documents.csv and arms.csv (in this folder) and writes
exercises.svg, documents.svg and arms-milestones.svg into the parent folder
(manuscript/figures/). Standard library only; the output is deterministic:
the same input always gives the same bytes (no timestamps, no random ids,
fixed number formatting, stable ordering).

House style for charts: Noto Sans, near-black text (#1a1a1a), one accent
colour (#1f4e79) and its tint (#dce6f0), transparent background, a viewBox
640 units wide (its height as the chart needs) and width="100%" so that the
chart scales with the page or the e-reader's screen. Every chart carries
<title> and <desc>.

Text size: the print edition sets a chart across the measure (5.35 in, 385 pt),
so one unit prints at 385/640 = 0.60 pt. No text is smaller than SMALL = 12
units, which prints at 7.2 pt (the house minimum for chart text is 7 pt); a
test (tests/e2e/test_page_defects_build.py) measures it in the built PDF.
"""

from __future__ import annotations

import csv
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE.parent

FONT = "Noto Sans, sans-serif"
INK = "#1a1a1a"
ACCENT = "#1f4e79"
TINT = "#dce6f0"
WIDTH = 640
SMALL = 12.0  # notes, axis labels, sub-labels: 7.2 pt in print
TEXT = 12.5  # labels
HEAD = 13.0  # bold row and phase headings

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# --------------------------------------------------------------------------- helpers


def num(value: float) -> str:
    """Format a coordinate with at most one decimal place and no trailing zeros."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def esc(text: str) -> str:
    """Escaped for XML, with a typographic apostrophe for the CSV's straight one."""
    return escape(text.replace("'", "\u2019"), {'"': "&quot;"})


def text_width(text: str, size: float) -> float:
    """A rough advance width for Noto Sans, good enough to keep labels apart."""
    width = 0.0
    for ch in text:
        if ord(ch) > 0x2E80:  # CJK ideographs are full-width
            width += 1.0
        elif ch in "il.,:;'|!· ":
            width += 0.28
        elif ch in "mwMW":
            width += 0.85
        elif ch.isupper() or ch.isdigit():
            width += 0.64
        else:
            width += 0.52
    return width * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a word longer stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def read_csv(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


class Svg:
    """Collects SVG elements and writes a complete, accessible document."""

    def __init__(self, slug: str, title: str, desc: str) -> None:
        self.slug = slug
        self.title = title
        self.desc = desc
        self.height = 360.0
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append("  " + element)

    def text(self, x: float, y: float, content: str, size: float = SMALL, anchor: str = "start",
             weight: str | None = None, lang: str | None = None) -> None:
        attrs = [f'x="{num(x)}"', f'y="{num(y)}"', f'font-size="{num(size)}"']
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if weight:
            attrs.append(f'font-weight="{weight}"')
        if lang:
            attrs.append(f'xml:lang="{lang}"')
        self.add(f"<text {' '.join(attrs)}>{esc(content)}</text>")

    def lines(self, x: float, y: float, content: str, width: float, size: float = SMALL,
              anchor: str = "start", weight: str | None = None, leading: float = 1.2) -> float:
        """`content` wrapped to `width` units, one <text> a line; returns the last baseline."""
        for line in wrap(content, width, size):
            self.text(x, y, line, size, anchor, weight)
            y += size * leading
        return y - size * leading

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK,
             width: float = 1, dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
                 f'stroke="{stroke}" stroke-width="{num(width)}"{extra}/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str,
             stroke: str | None = None) -> None:
        extra = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        self.add(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
                 f'fill="{fill}"{extra}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str = ACCENT,
               stroke: str | None = None) -> None:
        extra = f' stroke="{stroke}" stroke-width="1.2"' if stroke else ""
        self.add(f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{fill}"{extra}/>')

    def marker(self, shape: str, cx: float, cy: float, r: float) -> None:
        """Three shapes so that the categories do not depend on colour alone."""
        if shape == "circle":
            self.circle(cx, cy, r, ACCENT)
        elif shape == "square":
            self.rect(cx - r, cy - r, 2 * r, 2 * r, TINT, ACCENT)
        else:  # diamond
            d = r * 1.3
            points = f"{num(cx)},{num(cy - d)} {num(cx + d)},{num(cy)} {num(cx)},{num(cy + d)} {num(cx - d)},{num(cy)}"
            self.add(f'<polygon points="{points}" fill="{INK}"/>')

    def write(self, filename: str) -> Path:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {WIDTH} {num(self.height)}" width="100%" '
            f'role="img" aria-labelledby="{self.slug}-title {self.slug}-desc" '
            f'font-family="{FONT}" fill="{INK}">\n'
            f'  <title id="{self.slug}-title">{esc(self.title)}</title>\n'
            f'  <desc id="{self.slug}-desc">{esc(self.desc)}</desc>\n'
        )
        body = "\n".join(self.parts)
        path = OUT / filename
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(head + body + "\n</svg>\n")
        return path


# --------------------------------------------------------------------------- exercises


SERIES = [
    ("Peace Mission", "Peace Mission series", "Counter-terrorism, bilateral or SCO"),
    ("Joint Sea", "Joint Sea series", "Naval exercises"),
    ("Strategic", "Strategic exercises", "PLA units in Russian or joint drills"),
    ("Air patrol", "Joint air patrols", "Long-range bombers, western Pacific"),
]


def exercises() -> Path:
    rows = read_csv("exercises.csv")
    years = sorted({int(r["year"]) for r in rows})
    first, last = years[0], years[-1]
    # each series is named above its row, so the years take the full width
    x0, x1 = 24.0, 622.0
    step = (x1 - x0) / (last - first)

    def xpos(year: int) -> float:
        return x0 + (year - first) * step

    events: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        events.setdefault((r["series"], int(r["year"])), []).append(r["name"])

    row_y = {key: 40 + i * 76 for i, (key, _, _) in enumerate(SERIES)}
    axis_y = 300.0

    summary = []
    for key, label, _ in SERIES:
        yrs = sorted(y for (s, y) in events if s == key)
        summary.append(f"{label}: " + ", ".join(
            f"{y}" + (f" ({len(events[(key, y)])} events)" if len(events[(key, y)]) > 1 else "")
            for y in yrs))
    strategic = [f"{events[('Strategic', y)][0]} {y}" for y in sorted(y for (s, y) in events if s == "Strategic")]
    svg = Svg(
        "exercises",
        f"Named China–Russia joint military exercises and patrols, {first}–{last}",
        "Dot chart with one row per series and one column per year. "
        + "; ".join(summary)
        + ". Strategic exercises shown: " + ", ".join(strategic) + ".",
    )

    # year grid and axis: a tick every year, a label every other year (four digits at SMALL
    # are wider than one year's step)
    for year in range(first, last + 1):
        x = xpos(year)
        svg.line(x, 8, x, axis_y, TINT, 1)
        svg.line(x, axis_y, x, axis_y + 4, INK, 0.8)
        if (year - first) % 2 == 0:
            svg.text(x, axis_y + 17, str(year), SMALL, "middle")
    svg.line(x0 - 8, axis_y, x1 + 8, axis_y, INK, 0.8)

    for key, label, sub in SERIES:
        y = row_y[key]
        svg.text(12, y - 14, label, HEAD, weight="600")
        svg.text(30 + text_width(label, HEAD), y - 14, sub, SMALL)
        svg.line(x0 - 8, y, x1 + 8, y, TINT, 1.5)
        row_years = sorted(yr for (s, yr) in events if s == key)
        for i, year in enumerate(row_years):
            x = xpos(year)
            names = events[(key, year)]
            if key == "Air patrol":
                svg.circle(x, y, 5.5, TINT, ACCENT)
            else:
                svg.circle(x, y, 5.5, ACCENT)
            if len(names) > 1:
                svg.text(x, y - 11, f"×{len(names)}", SMALL, "middle")
            if key == "Strategic":
                parts = names[0].replace("/", "/\n").split("\n")
                if i % 2 == 0:  # above the row
                    for j, part in enumerate(reversed(parts)):
                        svg.text(x, y - 12 - j * 14, part, SMALL, "middle")
                else:  # below the row
                    for j, part in enumerate(parts):
                        svg.text(x, y + 21 + j * 14, part, SMALL, "middle")

    end = svg.lines(12, axis_y + 42, "A marker shows at least one exercise or patrol in that "
                    "year; ×2 marks two separate events.", WIDTH - 24)
    svg.height = end + 8
    return svg.write("exercises.svg")

# --------------------------------------------------------------------------- documents


ORIGIN_SHAPE = {"China": "circle", "Russia": "square", "Joint": "diamond"}
ORIGIN_NAME = {"China": "Chinese document", "Russia": "Russian document", "Joint": "Joint treaty or statement"}


def parse_date(text: str) -> tuple[int, int, int | None]:
    parts = [int(p) for p in text.split("-")]
    return parts[0], parts[1], (parts[2] if len(parts) > 2 else None)


def show_date(text: str) -> str:
    year, month, day = parse_date(text)
    return f"{day} {MONTHS[month - 1]} {year}" if day else f"{MONTHS[month - 1]} {year}"


def documents() -> Path:
    rows = read_csv("documents.csv")
    rows.sort(key=lambda r: (parse_date(r["date"])[0], parse_date(r["date"])[1],
                             parse_date(r["date"])[2] or 15, r["key"]))
    start, end = 2000, 2024
    label_x = 92.0
    # the timeline starts where the longest label ends
    x0 = label_x + max(text_width(r["label"], TEXT) for r in rows) + 16
    x1 = 626.0

    def xpos(text: str) -> float:
        year, month, day = parse_date(text)
        frac = (month - 1 + ((day or 15) - 1) / 31) / 12
        return x0 + (year + frac - start) / (end - start) * (x1 - x0)

    top, gap = 50.0, 15.5  # 12.5-unit labels on 15.5: the leading of running text
    axis_y = top + (len(rows) - 1) * gap + 14

    svg = Svg(
        "documents",
        f"Chinese and Russian strategy documents and joint statements, {start}–{end - 1}",
        "Timeline with one row per document, in date order: "
        + "; ".join(f"{show_date(r['date'])}, {r['label']} ({ORIGIN_NAME[r['origin']].lower()})" for r in rows)
        + ".",
    )

    # legend
    lx = 12.0
    for origin in ("China", "Russia", "Joint"):
        svg.marker(ORIGIN_SHAPE[origin], lx + 5, 19, 5)
        svg.text(lx + 15, 23.5, ORIGIN_NAME[origin], TEXT)
        lx += 32 + text_width(ORIGIN_NAME[origin], TEXT)

    # grid every four years, labelled every eight (the labels are wider than four years)
    for year in range(start, end + 1, 4):
        x = x0 + (year - start) / (end - start) * (x1 - x0)
        svg.line(x, top - 12, x, axis_y, TINT, 1)
        svg.line(x, axis_y, x, axis_y + 4, INK, 0.8)
        if (year - start) % 8 == 0:
            svg.text(x, axis_y + 17, str(year), SMALL, "middle")
    svg.line(x0, axis_y, x1, axis_y, INK, 0.8)

    for i, r in enumerate(rows):
        y = top + i * gap
        svg.text(12, y + 4, show_date(r["date"]), SMALL)
        svg.text(label_x, y + 4, r["label"], TEXT)
        x = xpos(r["date"])
        svg.line(label_x + text_width(r["label"], TEXT) + 6, y, x - 7, y, TINT, 1, "2 2")
        svg.marker(ORIGIN_SHAPE[r["origin"]], x, y, 5)

    last = svg.lines(12, axis_y + 42, "Dates as published or adopted; the Chinese and Russian "
                     "texts of the February 2022 statement are shown once.", WIDTH - 24)
    svg.height = last + 8
    return svg.write("documents.svg")

# --------------------------------------------------------------------------- arms


def arms() -> Path:
    rows = read_csv("arms.csv")
    phases = [r for r in rows if r["kind"] == "phase"]
    milestones = [r for r in rows if r["kind"] == "milestone"]
    start = min(int(r["start"]) for r in phases)
    end = max(int(r["end"]) for r in phases)
    x0, x1 = 24.0, 622.0
    tiers, tier_gap = 7, 24.0

    def xpos(year: float) -> float:
        return x0 + (year - start) / (end - start) * (x1 - x0)

    def years_of(r: dict[str, str]) -> str:
        return f"{r['start']}–{r['end']}" if r["end"] else r["start"]

    svg = Svg(
        "arms",
        f"Milestones in Russian arms transfers to China, {start}–{end}",
        "Timeline in three phases: "
        + "; ".join(f"{r['label'].lower()} ({r['start']}–{r['end']})" for r in phases)
        + ". Milestones: "
        + "; ".join(f"{years_of(r)}, {r['label'].lower()}" for r in milestones)
        + ".",
    )

    # place labels on tiers above and below the axis so that none overlap
    taken: dict[tuple[str, int], list[tuple[float, float]]] = {}
    leaders: dict[str, list[tuple[float, int]]] = {}
    placed: list[tuple[dict[str, str], str, int, str]] = []
    side_turn = 0
    # work outwards from the middle: labels on the left half run rightwards from their
    # marker and are placed right to left; those on the right half run leftwards and are
    # placed left to right, so that later (outer) leaders never cross earlier labels
    middle = (x0 + x1) / 2
    left = sorted((r for r in milestones if xpos(int(r["start"])) < middle),
                  key=lambda r: (-int(r["start"]), r["label"]))
    right = sorted((r for r in milestones if xpos(int(r["start"])) >= middle),
                   key=lambda r: (int(r["start"]), r["label"]))
    for r in left + right:
        x = xpos(int(r["start"]))
        label = f"{years_of(r)}  {r['label']}"
        w = text_width(label, TEXT)
        anchor = "start" if x < middle else "end"
        lo, hi = (x - 3, x - 3 + w) if anchor == "start" else (x + 3 - w, x + 3)
        choice = None
        for k in range(tiers):
            order = ("above", "below") if side_turn % 2 == 0 else ("below", "above")
            for side in order:
                # the label must not collide with labels on its tier, must not cover a
                # leader line that runs up to a farther tier, and its own leader must not
                # cross a label on a nearer tier
                free = all(hi + 4 < a or lo - 4 > b for a, b in taken.get((side, k), []))
                free = free and all(not (lo - 3 <= lx <= hi + 3)
                                    for lx, lk in leaders.get(side, []) if lk > k)
                free = free and all(not (a - 3 <= x <= b + 3)
                                    for j in range(k) for a, b in taken.get((side, j), []))
                if free:
                    choice = (side, k)
                    break
            if choice:
                break
        if choice is None:
            raise SystemExit(f"no room for label {label!r}")
        side_turn += 1
        taken.setdefault(choice, []).append((lo, hi))
        leaders.setdefault(choice[0], []).append((x, choice[1]))
        placed.append((r, choice[0], choice[1], anchor))

    # the chart is as tall as the tiers in use: phase headings, tiers above, axis, tiers below
    head_lines = max(len(wrap(r["label"], xpos(int(r["end"])) - xpos(int(r["start"])) - 12, HEAD))
                     for r in phases)
    high = max((k for _, side, k, _ in placed if side == "above"), default=0)
    low = max((k for _, side, k, _ in placed if side == "below"), default=0)
    axis_y = 28 + head_lines * 16 + 14 + tier_gap * high + 26
    above = [axis_y - 26 - tier_gap * k for k in range(tiers)]
    below = [axis_y + 46 + tier_gap * k for k in range(tiers)]
    bottom = below[low] + 14

    for i, r in enumerate(phases):
        a, b = xpos(int(r["start"])), xpos(int(r["end"]))
        if i % 2 == 0:
            svg.rect(a, 8, b - a, bottom - 8, TINT)
        svg.lines((a + b) / 2, 28, r["label"], b - a - 12, HEAD, "middle", weight="600")

    svg.line(x0, axis_y, x1, axis_y, INK, 1)
    for year in range(start, end + 1):
        x = xpos(year)
        if year % 5 == 0:
            svg.line(x, axis_y, x, axis_y + 5, INK, 0.8)
            svg.text(x, axis_y + 18, str(year), SMALL, "middle")
        else:
            svg.line(x, axis_y, x, axis_y + 2.5, INK, 0.6)

    for r, side, k, anchor in placed:
        x = xpos(int(r["start"]))
        ty = above[k] if side == "above" else below[k]
        if r["end"]:
            svg.line(x, axis_y, xpos(int(r["end"])), axis_y, ACCENT, 5)
        if side == "above":
            svg.line(x, axis_y, x, ty + 3, ACCENT, 0.8)
        else:  # leave a gap where the leader would cross the year labels
            svg.line(x, axis_y, x, axis_y + 5, ACCENT, 0.8)
            svg.line(x, axis_y + 24, x, ty - 12, ACCENT, 0.8)
        svg.circle(x, axis_y, 4, ACCENT)
        tx = x - 3 if anchor == "start" else x + 3
        weight_year = f'<tspan font-weight="600">{esc(years_of(r))}</tspan>'
        anchor_attr = "" if anchor == "start" else ' text-anchor="end"'
        svg.add(f'<text x="{num(tx)}" y="{num(ty)}" font-size="{num(TEXT)}"{anchor_attr}>'
                f'{weight_year}  {esc(r["label"])}</text>')

    last = svg.lines(12, bottom + 22, "Years of first delivery or of contract signature, as "
                     "labelled; the phases are the authors' interpretation.", WIDTH - 24)
    svg.height = last + 8
    return svg.write("arms-milestones.svg")

def main() -> None:
    for make in (exercises, documents, arms):
        path = make()
        print(f"wrote {path.relative_to(OUT.parent)}")


if __name__ == "__main__":
    main()
