"""Clean step: raw document -> Article with clean text, title, byline, date and notes.

Web debris is removed, a repeated headline is kept once, disclaimers and editor's notes move
from the content into `Article.notes`, and Unicode is normalised (mojibake, Arabic
punctuation inside English text, odd spaces) before any offset is taken.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import ftfy

from dateline.errors import EmptyInput, MalformedInput
from dateline.languages import WORD, detect_language
from dateline.model import Article, DateInfo, Note, RawDocument
from dateline.readers._bytes import content_hash
from dateline.settings import Settings

# --- Unicode -----------------------------------------------------------------------------------

# Arabic punctuation that slips into English copy from Arabic-language newsrooms.
_ARABIC_PUNCT = {
    "\u060c": ",",
    "\u061b": ";",
    "\u061f": "?",
    "\u066a": "%",
    "\u066b": ".",
    "\u066c": ",",
}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_GLUED_COMMA = re.compile(r"(?<=[a-z]),(?=[A-Z][a-z])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise_unicode(text: str) -> str:
    """Repair mojibake, straighten Arabic punctuation in Latin text, and tidy whitespace."""
    text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    if _mostly_latin(text):
        for arabic, latin in _ARABIC_PUNCT.items():
            # "delegation، headed" -> "delegation, headed": no space before, one after.
            text = re.sub(rf"\s*{arabic}\s*", latin + " ", text)
    # "Office,Luna al-Shibl": a comma glued to the next word hides a name boundary.
    text = _GLUED_COMMA.sub(", ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters) > 0.8


# --- Debris and notes -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _debris_pattern() -> re.Pattern[str]:
    lines = resources.files("dateline").joinpath("data/debris.txt").read_text(encoding="utf-8")
    rules = [ln.strip() for ln in lines.splitlines() if ln.strip() and not ln.startswith("#")]
    return re.compile(r"(?:" + "|".join(f"(?:{r})" for r in rules) + r")", re.IGNORECASE)


def is_debris(paragraph: str) -> bool:
    """Say whether a paragraph is web furniture (share bars, related links, comment forms)."""
    line = paragraph.strip()
    return len(line) <= 200 and _debris_pattern().fullmatch(line) is not None


# Provenance: who edited/checked the story. Strong openers mark a note anywhere; weaker
# signals only in a short paragraph.
_NOTE_OPENERS = re.compile(
    r"^(editor'?s['’]? note|editorial note|disclaimer|note to readers|correction|clarification)\b",
    re.IGNORECASE,
)
_DISCLAIMER_SIGNS = re.compile(
    r"(has not (been )?(independently )?verified|could not (independently )?verify|"
    r"not been able to (independently )?verify|cannot independently verify|"
    r"this article was (edited|translated|first published|originally published|republished)|"
    r"responsibility for the information and views|the views expressed (in this article )?are|"
    r"does not necessarily reflect)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^\(?(reporting|writing|editing|additional reporting) by [^.]{2,160}\)?\.?$", re.IGNORECASE
)


def note_kind(paragraph: str) -> str | None:
    """Return the provenance-note kind of a paragraph, or None when it is content."""
    text = paragraph.strip()
    if _NOTE_OPENERS.match(text):
        return "editor-note"
    if _CREDIT.match(text):
        return "source-credit"
    if _DISCLAIMER_SIGNS.search(text) and len(text.split()) <= 90:
        return "disclaimer"
    return None


# --- Title and byline -------------------------------------------------------------------------

_WORD = WORD  # letters of any script, so a Russian or Arabic headline is told apart too
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "but",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "his",
        "her",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "i",
        "who",
        "which",
        "what",
        "after",
        "before",
        "during",
        "over",
        "into",
        "about",
        "than",
        "then",
        "so",
        "not",
        "no",
        "s",
    ]
)
_NAME_WORD = r"[A-Z][a-zA-Z'’\-]+|[A-Z]\.|al|el|bin|ibn|de|van|von|der|da"
_BYLINE = re.compile(
    rf"^(?:by\s+)?((?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD})){{1,4}})$", re.IGNORECASE
)
_BY_PREFIX = re.compile(r"^by\s+", re.IGNORECASE)


_SUFFIX = re.compile(r"(?:'s|ies|es|s|ed|ing|d)$")
# "..., SANA reports." closing a first line: an agency credit, which only headlines carry.
_CREDITED = re.compile(r",\s+(?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*\s+(?:reports|said|says)\.?$")


def _content_words(text: str) -> set[str]:
    """Crudely stemmed content words: enough to see one paragraph retell another."""
    words = (w.lower().replace("’", "'") for w in _WORD.findall(text))
    return {_SUFFIX.sub("", w) for w in words if w not in _STOP and len(w) > 2}


def _is_headline(first: str, following: list[str]) -> bool:
    """Say whether a first paragraph is a headline rather than the lead sentence."""
    words = first.split()
    if not 3 <= len(words) <= 35 or "\n" in first:
        return False
    if len(re.findall(r"[.!?](\s|$)", first.rstrip(".!?"))) > 0:
        return False  # more than one sentence: a lead paragraph
    nxt = next((p for p in following if len(p.split()) > 12), "")
    if not nxt:
        return False
    if not first.rstrip().endswith((".", "!", "?", '"', "”")) or _CREDITED.search(first):
        return True  # no closing punctuation, or an agency credit: a headline by form
    # A headline ending in a full stop is told from a lead sentence by the lead that follows
    # it retelling it: most of its content words come back in the next paragraph.
    mine = _content_words(first)
    return bool(mine) and len(mine & _content_words(nxt)) / len(mine) >= 0.5


def _byline_name(paragraph: str) -> str | None:
    text = paragraph.strip().rstrip(".")
    if len(text) > 60:
        return None
    match = _BYLINE.match(text)
    if not match:
        return None
    name = match.group(1)
    words = name.split()
    # Every word capitalised (particles aside) and no word from the debris or stop lists.
    if any(w.lower() in _STOP - {"al", "de"} for w in words) or is_debris(text):
        return None
    if not _BY_PREFIX.match(text) and sum(w[0].isupper() for w in words) < 2:
        return None
    return name


# --- Dates in the text ------------------------------------------------------------------------

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TEXT_DATE = re.compile(
    rf"(?:(?:published|posted|updated|date)\s*:?\s*)?"
    rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTHS})\.?,?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<iso>(?:19|20)\d\d-\d\d-\d\d))",
    re.IGNORECASE,
)
_MONTH_NUM = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


def date_in_text(paragraphs: list[str]) -> str | None:
    """Find a publication date written at the top of the article (a dateline), as YYYY-MM-DD."""
    head = " ".join(paragraphs[:2])[:300]
    match = _TEXT_DATE.search(head)
    if not match:
        return None
    if match.group("iso"):
        return match.group("iso")
    day = match.group("d1") or match.group("d2")
    month = _MONTH_NUM[(match.group("m1") or match.group("m2"))[:3].lower()]
    year = match.group("y1") or match.group("y2")
    if not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}"


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: blank lines separate; a hard-wrapped line joins the next."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current = ""
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            # A line that stops mid-sentence and a next line starting in lower case are one
            # wrapped sentence; anything else is a paragraph of its own (debris lines, lists).
            if current and not current.endswith(_TERMINAL) and line[:1].islower():
                current += " " + line
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return paragraphs


_TERMINAL = (".", "!", "?", ":", '"', "”", "’", "'", ")")


# --- The step ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Extracted:
    text: str
    title: str | None
    byline: str | None
    date: str | None
    date_origin: str


def _from_html(raw: RawDocument) -> _Extracted:
    import trafilatura

    html = raw.html or ""
    try:
        doc = trafilatura.bare_extraction(
            html, url=raw.url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises many kinds on hostile markup
        raise MalformedInput(f"cannot parse HTML: {exc}", path=raw.source_path) from exc
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        raise EmptyInput("HTML page has no extractable article text", path=raw.source_path)
    date = raw.date or (doc.date[:10] if doc.date else None)
    origin = raw.date_origin if raw.date else ("html-meta" if date else "unknown")
    return _Extracted(
        doc.text or "", raw.title or doc.title, raw.author or doc.author, date, origin
    )


def clean_document(raw: RawDocument, *, settings: Settings) -> Article:
    """Turn a raw document into a clean Article (raises ReadError subclasses for unusable input)."""
    if raw.html is not None and raw.text is None:
        got = _from_html(raw)
    else:
        got = _Extracted(raw.text or "", raw.title, raw.author, raw.date, raw.date_origin)

    text = normalise_unicode(got.text)
    paragraphs = split_paragraphs(text)
    title = normalise_unicode(got.title).strip() if got.title else None
    byline = got.byline
    notes: list[Note] = []
    debris: list[str] = []
    kept: list[str] = []
    for paragraph in paragraphs:
        kind = note_kind(paragraph)
        if kind:
            notes.append(Note(kind=kind, text=paragraph))  # type: ignore[arg-type]
        elif is_debris(paragraph):
            debris.append(paragraph)
        else:
            kept.append(paragraph)

    # Title cascade: 1. the container's title; 2. a first paragraph repeated later in the file;
    # 3. a first paragraph that reads as a headline; 4. none.
    if kept and title is None and (kept[0] in kept[1:] or _is_headline(kept[0], kept[1:4])):
        title = kept[0]
    if title:
        # The headline is content (it names people and places) but is kept once, first.
        repeats = [p for p in kept if _same_line(p, title)]
        kept = [p for p in kept if not _same_line(p, title)]
        if repeats or got.title is None:
            kept.insert(0, title)

    # Byline: a short name line near the top ("By Jane Doe" or just the name).
    if byline is None:
        for i, paragraph in enumerate(kept[:5]):
            if i == 0 and title and paragraph == title:
                continue
            name = _byline_name(paragraph)
            if name:
                byline = name
                del kept[i]
                break

    body = "\n\n".join(kept)
    if not body.strip():
        raise EmptyInput("no article text left after cleaning", path=raw.source_path)

    # Publication date cascade: 1. header; 2. container/HTML metadata; 3. a dateline in the
    # text; 4. the date the document was obtained (a crawl date); 5. unknown (later: inferred
    # from a twin article, by the link stage).
    date, origin = got.date, got.date_origin
    if date is None:
        date = date_in_text(kept)
        origin = "text" if date else "unknown"
    if date is None and raw.fallback_date:
        date, origin = raw.fallback_date, "record"

    return Article(
        id=content_hash((title or "") + "\n" + body)[:16],
        text=body,
        source_path=raw.source_path,
        title=title,
        byline=byline,
        published=DateInfo(value=date, origin=origin, granularity="day" if date else "unknown"),  # type: ignore[arg-type]
        url=raw.url,
        outlet=raw.outlet,
        raw_hash=raw.raw_hash,
        notes=tuple(notes),
        debris=tuple(debris),
        language=detect_language(body),
        archived=raw.archived,
    )


def _same_line(a: str, b: str) -> bool:
    return a.strip().rstrip(".").casefold() == b.strip().rstrip(".").casefold()
