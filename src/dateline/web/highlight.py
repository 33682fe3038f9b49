"""Build highlighted HTML from text and character offsets, escaping every piece of text.

Article text is data: each piece is passed through `markupsafe.escape` before it is wrapped
in `<mark>`; only the tags written here are trusted markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span to mark: a CSS class, an optional tooltip and an optional link."""

    start: int
    end: int
    css: str
    title: str | None = None
    href: str | None = None


def highlight(text: str, spans: Iterable[Highlight]) -> Markup:
    """Return `text` as HTML with each span wrapped in `<mark>` (overlaps share classes)."""
    marks = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in marks), *(s.end for s in marks)})
    out: list[Markup] = []
    for left, right in pairwise(cuts):
        piece = escape(text[left:right])
        active = [s for s in marks if s.start <= left and right <= s.end]
        if not active:
            out.append(piece)
            continue
        classes = " ".join(sorted({s.css for s in active}))
        titles = "; ".join(dict.fromkeys(s.title for s in active if s.title))
        href = next((s.href for s in active if s.href), None)
        title_attr = Markup(' title="{}"').format(titles) if titles else Markup("")
        marked = Markup('<mark class="{}"{}>{}</mark>').format(classes, title_attr, piece)
        if href:
            marked = Markup('<a href="{}">{}</a>').format(href, marked)
        out.append(marked)
    return Markup("").join(out)


def marked_snippet(snippet: str, marks: Iterable[tuple[int, int]]) -> Markup:
    """Return a search snippet as HTML with the matched terms in `<mark>`."""
    return highlight(snippet, (Highlight(a, b, "hit") for a, b in marks))
