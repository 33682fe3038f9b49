"""Original sources: the outlets or agencies an article credits as the origin of its report.

A rewrite names the report it retells in a few set forms, found here by rules over the clean
text, the title and the provenance notes (before any parse, so the events stage can leave
the credited outlet out of the parties):

1. a closing credit line: "..., SANA reports." / "..., Reuters said." at the end of a title
   or sentence;
2. "according to (the) X news agency" / "according to the state news agency SANA" /
   "according to Reuters";
3. "X reported / quoted / cited ..." with X an outlet;
4. a dateline credit at the top: "DAMASCUS (Reuters) -";
5. notes and closing lines: "originally published by X", "first appeared in X", "Source: X".

Precision first: outside the credit line and the dateline, X must read as an outlet (a known
agency, or a capitalised name with a word such as News, Agency, Press, Times, Herald), so
"according to the presidency" or "according to a Russian Foreign Ministry statement" (the
source of a claim, not of the report) is never taken. The article's own outlet is not an
original source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dateline.model import Note, OriginalSource

# News agencies and broadcasters usually credited by a bare name or acronym.
KNOWN_AGENCIES = frozenset(
    """SANA Reuters AFP AP TASS Interfax Sputnik Xinhua Anadolu IRNA ISNA Tasnim Fars Mehr WAFA
    KUNA QNA SPA WAM MENA Petra NNA APS MAP TAP PTI ANI IANS Yonhap Kyodo KCNA Bernama Antara
    EFE ANSA dpa DPA UNB BBC CNN Bloomberg Ukrinform UNIAN BelTA Kazinform Trend APA AZERTAC
    Armenpress Ria RIA""".split()
) | frozenset(
    {
        "RIA Novosti", "Associated Press", "Agence France-Presse", "Al Jazeera", "Al Arabiya",
        "Anadolu Agency", "Syrian Arab News Agency", "Saudi Press Agency", "Kuwait News Agency",
        "Qatar News Agency", "Emirates News Agency", "Middle East News Agency", "Al-Monitor",
        "Asharq Al-Awsat", "Enab Baladi", "The Syrian Observer", "Sky News", "Fox News",
    }
)  # fmt: skip
# Capitalised words that make a name an outlet's.
_OUTLET_WORD = re.compile(
    r"\b(?:News|Press|Times|Post|Herald|Tribune|Gazette|Journal|Observer|Monitor|"
    r"Courier|Daily|Digest|Sentinel|Telegraph|Guardian|Chronicle|Review|Wire|TV|Television|"
    r"Radio|Broadcasting|Broadcaster|Channel|Network|Newswire|Newspaper|Media|Today|Express|"
    r"Standard|Independent|Bulletin|Dispatch|Mail|Mirror|Star|Globe|Reporter|Agence|Presse)\b"
)
# A proper name: capitalised words, with the particles names carry ("al-", "of", "de").
_NAME = (
    r"(?:[A-Z][\w&'’.-]*|al-\w+|el-\w+)(?:\s+(?:(?:of|the|de|al|el|for|and)\s+)?"
    r"(?:[A-Z][\w&'’.-]*|al-\w+)){0,6}"
)
_ADJECTIVES = r"(?:official|state|state-run|state-owned|semi-official|government|pro-government)"
_CITING = r"(?i:according\s+to|citing|quoting|cited\s+by|reported\s+by)"
_REPORT_VERBS = r"(?:reports|reported|said|says|quoted|cited|writes|wrote|added)"
# 1. ", SANA reports." closing a title or a sentence (optionally "news agency" after it).
_CLOSING = re.compile(
    rf",\s+(?P<the>the\s+)?(?P<name>{_NAME})(?:\s+news\s+agency)?\s+(?P<cue>{_REPORT_VERBS})"
    r"\s*[.!]?[\s”\"]*$"
)
# 2. "according to (the) [official/state] news agency X" or "according to (the) X".
_ACCORDING_AGENCY = re.compile(
    rf"\b(?P<cue>{_CITING})\s+(?:the\s+)?(?:[a-z-]+\s+){{0,3}}(?:news\s+agency|agency|broadcaster|newspaper|daily|channel|"
    rf"television|TV|radio|outlet|wire\s+service)\s+(?:\(\s*)?(?P<name>{_NAME})"
)
_ACCORDING = re.compile(
    rf"\b(?P<cue>{_CITING})\s+(?:the\s+)?(?:{_ADJECTIVES}\s+)*(?P<name>{_NAME})"
    r"(?P<agency>\s+news\s+agency)?"
)
# 3. "Reuters reported that ..." / "SANA quoted ..." inside a sentence.
_REPORTED = re.compile(
    rf"(?:^|(?<=[\s(“\"]))(?:the\s+)?(?P<name>{_NAME})(?:\s+news\s+agency)?\s+"
    r"(?P<cue>reported|quoted|cited|reports)\b"
)
# 4. "DAMASCUS (Reuters) -" / "KESH, 12 March 2024 (AFP) —" at the top.
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .'’-]{1,40}(?:,[^()\n]{0,40})?\s*\((?P<name>[A-Z][\w .&'’-]{0,40})\)\s*[-–—:]"
)
# 5. Notes and closing lines.
_PUBLISHED = re.compile(
    rf"\b(?P<cue>(?:originally|first)\s+(?:published|appeared)|republished|reproduced|"
    rf"translated)\s+(?:with\s+permission\s+)?(?:by|in|on|from|at|of)\s+(?:the\s+)?"
    rf"(?P<name>{_NAME})"
)
_SOURCE_LINE = re.compile(rf"^(?P<cue>Source|Via|Courtesy(?:\s+of)?)\s*:?\s+(?P<name>{_NAME})\.?$")


# An outlet word alone names no outlet ("Syrian TV reported": which one?).
_GENERIC = frozenset(
    "TV Radio Television News Media Press Channel Network Wire Daily Service Agency".split()
)


def is_outlet_name(name: str) -> bool:
    """Say whether a name reads as a news outlet's (a known agency, or an outlet word in it).

    "Agency" alone does not make an outlet (the International Atomic Energy Agency, UN
    agencies): only "News Agency", "Press Agency" or a known agency's name does.
    """
    bare = _bare(name)
    if bare in KNOWN_AGENCIES:
        return True
    return bare not in _GENERIC and bool(_OUTLET_WORD.search(bare))


def _bare(name: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", name.strip()).rstrip(".,;:")
    return re.sub(r"['’]s$", "", name)


def _acronym(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2,6}", _bare(name)))


def find_original_sources(
    text: str,
    *,
    title: str | None = None,
    notes: Iterable[Note] = (),
    outlet: str | None = None,
) -> tuple[OriginalSource, ...]:
    """The outlets an article credits, each once, in the order found (see the module doc)."""
    found: dict[str, OriginalSource] = {}
    own = _bare(outlet).casefold() if outlet else None
    for source in _candidates(text, title, notes):
        key = _bare(source.name).casefold()
        if not key or key == own or key in found:
            continue
        found[key] = source
    return tuple(found.values())


def _candidates(text: str, title: str | None, notes: Iterable[Note]) -> Iterator[OriginalSource]:
    if title and title not in text:
        for name, cue, _s, _e in _in_piece(title, 0, first=True):
            yield OriginalSource(name=name, cue=cue, where="title")
    offset = 0
    for number, line in enumerate(text.split("\n")):
        for name, cue, start, end in _in_piece(line, offset, first=number == 0):
            yield OriginalSource(name=name, cue=cue, where="text", start=start, end=end)
        offset += len(line) + 1
    for note in notes:
        for name, cue, _s, _e in _in_piece(note.text, 0, first=False, note=True):
            yield OriginalSource(name=name, cue=cue, where="note")


def _in_piece(
    line: str, offset: int, *, first: bool, note: bool = False
) -> Iterator[tuple[str, str, int, int]]:
    """(name, cue, start, end) of each credit in one line of text."""
    if first and (m := _DATELINE.match(line)):
        name = m.group("name").strip()
        if is_outlet_name(name) or _acronym(name):
            yield _span(name, "(dateline credit)", offset + m.start("name"))
    for sentence in _sentences(line):
        s_start, s_text = sentence
        m = _CLOSING.search(s_text)
        if m:
            name = _trim(m.group("name"))
            cue = m.group("cue")
            # "reports" credits any agency-like name; "said" only an outlet (people say too).
            if is_outlet_name(name) or (cue.startswith("report") and _acronym(name)):
                yield _span(name, cue, offset + s_start + m.start("name"))
    for pattern in (_ACCORDING_AGENCY, _ACCORDING, _REPORTED, _PUBLISHED):
        for m in pattern.finditer(line):
            name = _trim(m.group("name"))
            agency = pattern is _ACCORDING_AGENCY or bool(m.groupdict().get("agency"))
            if pattern is _PUBLISHED and not note and not is_outlet_name(name):
                continue
            if not (agency or is_outlet_name(name) or pattern is _PUBLISHED):
                continue
            yield _span(name, " ".join(m.group("cue").split()).lower(), offset + m.start("name"))
    if (m := _SOURCE_LINE.match(line)) and (note or is_outlet_name(m.group("name"))):
        yield _span(_trim(m.group("name")), m.group("cue").lower(), offset + m.start("name"))


def _span(name: str, cue: str, start: int) -> tuple[str, str, int, int]:
    return name, cue, start, start + len(name)


def _trim(name: str) -> str:
    """A name without its possessive and what follows ("The Washington Post's Howard Kurtz")."""
    name = re.split(r"['’]s\b", name.strip(), maxsplit=1)[0]
    return name.rstrip(".,;: ")


def _sentences(line: str) -> Iterator[tuple[int, str]]:
    """Sentences of a line with their offsets (split after . ! ? followed by a capital)."""
    start = 0
    for m in re.finditer(r"[.!?][”\"]?\s+(?=[A-Z“\"])", line):
        yield start, line[start : m.end()].rstrip()
        start = m.end()
    if start < len(line):
        yield start, line[start:]
