"""The timeline's event rows as HTML, written in Python (the page's hottest loop).

A timeline page lists a hundred events, each with a date, its origin, parties and a place:
through Jinja macros that was most of the page's time. These functions write the same
markup as the `date`, `party` and `parties` macros of `templates/macros.html` (keep the two
in step), escaping every value with markupsafe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from dateline.web.events import date_is_soft


def date_html(d: dict[str, Any]) -> str:
    """A date with its origin, as the `date` macro writes it."""
    soft = date_is_soft(d)
    origin = escape(d.get("origin") or "")
    title = str(origin)
    if d.get("granularity") and d["granularity"] != "unknown":
        title += f", {escape(d['granularity'])}"
    twin = d.get("twin_id")
    if twin:
        title += f", from twin {escape(twin)}"
    text = (
        f'<span class="date {"date-soft" if soft else "date-firm"} origin-{origin}"'
        f' title="{title}">{escape(d.get("value") or "undated")}</span>\n'
        f'<span class="origin">{origin}'
    )
    if twin:
        text += f' (from <a href="/articles/{escape(quote(twin, safe=""))}">{escape(twin[:8])}</a>)'
    return text + "</span>"


def parties_html(people: list[dict[str, Any]]) -> str:
    """Participants as links to their dossiers, as the `parties` macro writes them."""
    if not people:
        return '<span class="none">—</span>'
    out = []
    for p in people:
        if p.get("id"):
            href = escape(quote(p["id"], safe=""))
            out.append(f'<a class="party" href="/entities/{href}">{escape(p["name"])}</a>')
        else:
            out.append(f'<span class="party unlinked">{escape(p["name"])}</span>')
    return ", ".join(out)


def event_rows_html(rows: list[dict[str, Any]], place_href: Callable[[str], str]) -> Markup:
    """The `<li>` rows of a page of events (with gap spacers and the undated heading)."""
    out = []
    for e in rows:
        if e.get("gap"):
            out.append(f'<li class="gap {escape(e["gap"])}" aria-hidden="true"></li>')
        if e.get("first_undated"):
            out.append('<li class="undated-head"><h2>Undated events</h2></li>')
        value = e["date"].get("value")
        classes = "tl-event " + ("soft" if date_is_soft(e["date"]) else "firm")
        if not e["actors"] and not e["recipients"]:
            classes += " thin"
        dated = f' data-date="{escape(value)}"' if value else ""
        mode = f'<span class="mode">/{escape(e["mode"])}</span>' if e.get("mode") else ""
        place = ""
        if e.get("place"):
            where = e["place"]
            place = (
                f'<span class="place">in <a href="{escape(place_href(where["id"]))}">'
                f"{escape(where['name'])}</a></span>"
            )
        n = e["source_count"]
        snippet = f'<p class="snippet">{escape(e["snippet"])}</p>' if e.get("snippet") else ""
        out.append(
            f'<li class="{classes}"{dated} data-type="{escape(e["type"])}">'
            f'<div class="when">{date_html(e["date"])}</div><div class="what">'
            f'<a class="ev-link" href="/events/{escape(quote(e["id"], safe=""))}">'
            f'<span class="type">{escape(e["type"])}</span>{mode}</a> '
            f'{parties_html(e["actors"])} <span class="arrow">→</span> '
            f"{parties_html(e['recipients'])} {place}"
            f'<span class="sources">{n} source{"" if n == 1 else "s"}</span>'
            f'<span class="conf" title="calibrated chance the event is right">'
            f"{e['confidence']:.2f}</span>{snippet}</div></li>"
        )
    return Markup("\n".join(out))
