"""Geometry for the server-rendered SVG views: a proportional time axis, map and network.

Pure functions from data to coordinates; the templates draw them. No script is needed to
read any of them: every bar, point and node is a link, and the timeline's small script
(`static/timeline.js`) only adds brushing a date range with the mouse.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
BUCKET_DAYS = {"day": 1, "week": 7, "month": 31}


@dataclass(frozen=True, slots=True)
class TimeScale:
    """Days from `first` to `last` (inclusive) mapped onto x from `left` to `right`."""

    first: date
    last: date
    left: float = 40.0
    right: float = 940.0

    @property
    def days(self) -> int:
        """How many days the axis covers."""
        return (self.last - self.first).days + 1

    def x(self, day: date) -> float:
        """The x position of the start of `day`."""
        return round(self.left + (day - self.first).days / self.days * (self.right - self.left), 2)

    def ticks(self) -> list[dict[str, Any]]:
        """Labelled ticks: weeks for short spans, months, or years for long ones."""
        out = []
        if self.days <= 62:
            day = self.first + timedelta(days=(7 - self.first.weekday()) % 7)
            while day <= self.last:
                out.append({"x": self.x(day), "label": f"{MONTHS[day.month - 1]} {day.day}"})
                day += timedelta(days=7)
        elif self.days <= 3 * 366:
            step = 1 if self.days <= 400 else 3
            day = date(self.first.year, self.first.month, 1)
            while day <= self.last:
                if day >= self.first and (day.month - 1) % step == 0:
                    label = (
                        f"{MONTHS[day.month - 1]} {day.year}"
                        if day.month == 1 or not out
                        else MONTHS[day.month - 1]
                    )
                    out.append({"x": self.x(day), "label": label})
                day = _next_month(day)
        else:
            step = max(1, math.ceil(self.days / 366 / 12))
            for year in range(self.first.year, self.last.year + 1):
                day = date(year, 1, 1)
                if day >= self.first and year % step == 0:
                    out.append({"x": self.x(day), "label": str(year)})
        return out


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def bucket_end(start: date, bucket: str) -> date:
    """The last day of the bucket starting on `start`."""
    if bucket == "month":
        return _next_month(start) - timedelta(days=1)
    return start + timedelta(days=BUCKET_DAYS[bucket] - 1)


def histogram_bars(
    scale: TimeScale, counts: list[tuple[date, int]], bucket: str, height: float = 100.0
) -> list[dict[str, Any]]:
    """One bar per bucket: x, width, y, height (from the bottom at `height`), dates, count."""
    top = max((n for _, n in counts), default=0)
    bars = []
    for start, n in counts:
        end = bucket_end(start, bucket)
        x0 = scale.x(max(start, scale.first))
        x1 = scale.x(min(end, scale.last) + timedelta(days=1))
        h = round(height * n / top, 2) if top else 0.0
        bars.append(
            {
                "x": x0,
                "width": max(1.0, round(x1 - x0 - (0.5 if x1 - x0 > 3 else 0), 2)),
                "y": round(height - h, 2),
                "height": max(h, 1.0),
                "start": start,
                "end": end,
                "count": n,
            }
        )
    return bars


def strip_marks(
    scale: TimeScale, events: list[dict[str, Any]], lanes: list[str]
) -> list[dict[str, Any]]:
    """Marks for a page of events on the axis: a dot for a day, a bar for a longer date."""
    marks = []
    for event in events:
        start, end = event.get("date_start"), event.get("date_end")
        if not start or not end:
            continue
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        if last < scale.first or first > scale.last:
            continue
        lane = lanes.index(event["type"]) if event["type"] in lanes else len(lanes) - 1
        x0 = scale.x(max(first, scale.first))
        x1 = scale.x(min(last, scale.last) + timedelta(days=1))
        marks.append(
            {
                "id": event["id"],
                "x": x0,
                "width": round(x1 - x0, 2),
                "cx": round((x0 + x1) / 2, 2),
                "y": 8 + lane * 12,
                "day": first == last,
                "type": event["type"],
                "label": event.get("label", ""),
            }
        )
    return marks


def gap_class(previous: str | None, current: str | None) -> str | None:
    """A CSS class for the space between two dated rows, growing with the log of the gap."""
    if not previous or not current or len(previous) < 10 or len(current) < 10:
        return None
    days = (date.fromisoformat(current[:10]) - date.fromisoformat(previous[:10])).days
    if days <= 0:
        return None
    return f"gap-{min(5, 1 + int(math.log2(days) // 2))}"


def timeline_svg(chart: dict[str, Any], href: Callable[[date, date], str], base: str) -> Markup:
    """The timeline chart as SVG markup: histogram bars (links), axis, this page's events.

    Written with f-strings rather than a template: a chart has hundreds of elements and
    this is the page's hottest loop. Every text and URL goes through `escape`.
    """
    scale: TimeScale = chart["scale"]
    left, right = scale.left, scale.right
    out = [
        f'<svg id="tl-chart" viewBox="0 0 980 {chart["height"]}" role="img"'
        f' aria-label="events per {escape(chart["bucket"])} on a time axis"'
        f' data-first="{scale.first}" data-days="{scale.days}" data-left="{left}"'
        f' data-right="{right}" data-href="{escape(base)}">',
        f'<rect class="plot" x="{left}" y="0" width="{right - left}" height="100"/>',
        '<g class="bars">',
    ]
    for b in chart["bars"]:
        n = b["count"]
        span = f"{b['start']}" + (f" – {b['end']}" if b["end"] != b["start"] else "")
        out.append(
            f'<a href="{escape(href(b["start"], b["end"]))}"><rect class="bar" x="{b["x"]}"'
            f' y="{b["y"]}" width="{b["width"]}" height="{b["height"]}"'
            f' data-start="{b["start"]}" data-end="{b["end"]}" data-count="{n}">'
            f"<title>{span}: {n} event{'' if n == 1 else 's'}</title></rect></a>"
        )
    out.append(f'</g><g class="axis"><line x1="{left}" x2="{right}" y1="101" y2="101"/>')
    for t in chart["ticks"]:
        out.append(
            f'<line class="tick" x1="{t["x"]}" x2="{t["x"]}" y1="101" y2="106"/>'
            f'<text class="tick-label" x="{t["x"]}" y="118">{escape(t["label"])}</text>'
        )
    out.append('</g><g class="strip" transform="translate(0 132)">')
    for i, lane in enumerate(chart["lanes"]):
        y = 8 + i * 12
        out.append(
            f'<text class="lane-label" x="{left - 4}" y="{y + 3}">{escape(lane[:4])}</text>'
            f'<line class="lane" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
        )
    for m in chart["marks"]:
        kind = escape(m["type"].lower())
        title = f"<title>{escape(m['label'])}</title>"
        if m["day"] or m["width"] < 4:
            shape = (
                f'<circle class="mark mark-{kind}" cx="{m["cx"]}" cy="{m["y"]}" r="3.5">'
                f"{title}</circle>"
            )
        else:
            shape = (
                f'<rect class="mark span mark-{kind}" x="{m["x"]}" y="{m["y"] - 3}"'
                f' width="{m["width"]}" height="6">{title}</rect>'
            )
        out.append(f'<a href="/events/{escape(m["id"])}">{shape}</a>')
    out.append('</g><rect class="brush" x="0" y="0" width="0" height="100"/></svg>')
    return Markup("".join(out))


# -- map ----------------------------------------------------------------------------------------


def map_view_box(points: list[dict[str, Any]], pad: float = 6.0) -> tuple[float, ...]:
    """An equirectangular viewBox (x = longitude, y = -latitude) around the points.

    The whole world when there are none; at least 40 x 24 degrees, keeping a 2:1 frame.
    """
    if not points:
        return (-180.0, -84.0, 360.0, 168.0)
    lons = [p["lon"] for p in points]
    lats = [-p["lat"] for p in points]
    x0, x1 = min(lons) - pad, max(lons) + pad
    y0, y1 = min(lats) - pad, max(lats) + pad
    width, height = max(x1 - x0, 40.0), max(y1 - y0, 24.0)
    width, height = max(width, height * 2), max(height, width / 2)
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    x = min(max(cx - width / 2, -180.0), 180.0 - min(width, 360.0))
    y = min(max(cy - height / 2, -90.0), 90.0 - min(height, 180.0))
    return (round(x, 3), round(y, 3), round(min(width, 360.0), 3), round(min(height, 180.0), 3))


def map_marks(
    points: list[dict[str, Any]], box: tuple[float, ...], count: str
) -> list[dict[str, Any]]:
    """Circles for points, radius by the square root of `count`, in viewBox units."""
    top = max((p[count] for p in points), default=1) or 1
    unit = box[2] / 90  # the largest circle is a 90th of the frame's width... times 3
    return [
        p
        | {
            "cx": round(p["lon"], 4),
            "cy": round(-p["lat"], 4),
            "r": round(unit * (0.6 + 2.4 * math.sqrt(p[count] / top)), 4),
        }
        for p in points
    ]


# -- network ------------------------------------------------------------------------------------

QUAD = {  # PLOVER quad class: 1-2 cooperation, 3-4 conflict
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2,
    "RETREAT": 2, "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4,
    "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip


def network_layout(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], size: tuple[int, int] = (960, 640)
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Place nodes with a force-directed layout (seeded: the same data, the same picture)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(n["id"] for n in nodes)
    for edge in edges:
        weight = math.log1p(edge["events"])
        if graph.has_edge(edge["source"], edge["target"]):
            graph[edge["source"]][edge["target"]]["weight"] += weight
        else:
            graph.add_edge(edge["source"], edge["target"], weight=weight)
    positions = nx.spring_layout(graph, seed=19, weight="weight", iterations=80) if nodes else {}
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    w, h = size
    pad = 70

    def scale(v: float, lo: float, hi: float, span: int) -> float:
        return round(pad + (v - lo) / ((hi - lo) or 1) * (span - 2 * pad), 1)

    top = max((n["events"] for n in nodes), default=1)
    placed = []
    for n in nodes:
        x = scale(positions[n["id"]][0], min(xs), max(xs), w)
        r = round(4 + 14 * math.sqrt(n["events"] / top), 1)
        right = x > w * 0.6  # labels of nodes on the right go to their left
        placed.append(
            n
            | {
                "x": x,
                "y": scale(positions[n["id"]][1], min(ys), max(ys), h),
                "r": r,
                "label_x": round(x - r - 3 if right else x + r + 3, 1),
                "anchor": "end" if right else "start",
            }
        )
    at = {n["id"]: n for n in placed}
    heaviest = max((e["events"] for e in edges), default=1)
    lines = []
    for edge in edges:
        a, b = at[edge["source"]], at[edge["target"]]
        conflict = sum(n for t, n in edge["types"].items() if QUAD.get(t, 1) >= 3)
        # End the line at the target's rim, so the arrowhead shows.
        dx, dy = b["x"] - a["x"], b["y"] - a["y"]
        length = math.hypot(dx, dy) or 1.0
        back = min(b["r"] + 2, length / 2)
        x2, y2 = round(b["x"] - dx / length * back, 1), round(b["y"] - dy / length * back, 1)
        lines.append(
            edge
            | {
                "x1": a["x"], "y1": a["y"], "x2": x2, "y2": y2,
                "width": round(0.8 + 5 * math.log1p(edge["events"]) / math.log1p(heaviest), 2),
                "tone": "conflict" if conflict * 2 > edge["events"] else "cooperation",
            }
        )  # fmt: skip
    return placed, lines
