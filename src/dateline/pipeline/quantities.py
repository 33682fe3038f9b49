"""Numbers with comparison, unit and scope: "more than two and a half million returnees".

Not every number is a quantity. Skipped: numbers inside the spans the caller names (spaCy's
LAW, DATE, TIME and ORDINAL entities: "Article 5 of the", "the 3rd day"), numbers that
identify rather than count ("Resolution 2254", "Article 5", "Decree No. 10": a designator
word before them, which the small spaCy model often leaves untagged), bare years and small
counting words. Money takes its currency as the unit, from a MONEY span or from the symbol
or currency word written with the number ("$5 million" -> USD, "200 million Syrian pounds"
-> SYP).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dateline.model import Quantity

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_SCALE = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "mln": 1_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
    "k": 1_000,
}
_FRACTION = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}
_OPS = [
    (r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding", ">"),
    (r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of", ">="),
    (r"less\s+than|fewer\s+than|under|below", "<"),
    (r"at\s+most|up\s+to|no\s+more\s+than|a\s+maximum\s+of", "<="),
    (
        r"about|around|approximately|nearly|almost|some|roughly|close\s+to|an\s+estimated|"
        r"estimated|circa|~",
        "~",
    ),
]
_OP_RE = "|".join(f"(?P<op{i}>{p})" for i, (p, _) in enumerate(_OPS))
_WORD_NUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a|an)"
    r"(?:\s+and\s+a\s+(?:half|quarter|third))?"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALES = r"(?:hundred|thousand|million|billion|trillion|mln|bn)"
_UNITS_AFTER = r"(?:percent|per\s+cent|%)"
NUMBER = re.compile(
    rf"(?<![\w.,-])(?:(?:{_OP_RE})\s+)?"
    rf"(?P<num>{_DIGITS}|{_WORD_NUM})(?![\w-])"
    rf"(?:\s*(?P<scale>{_SCALES})\b(?:\s+and\s+a\s+(?P<frac2>half|quarter))?)?"
    rf"(?:\s*(?P<pct>{_UNITS_AFTER}))?",
    re.IGNORECASE,
)
_NUMBER_OF = re.compile(r"\bthe\s+(?:total\s+)?number\s+of\s+([a-z][a-z-]+)", re.IGNORECASE)
_NEXT_NOUN = re.compile(r"^\s+(?:of\s+)?(?:the\s+)?([A-Za-z][A-Za-z-]+)")
_SINCE = re.compile(r"\bsince\b[^.;]{0,80}?\b(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
# A designator before a number makes it an identifier, not a count: "Resolution 2254".
_DESIGNATOR = re.compile(
    r"(?:\b(?:Resolution|Article|Section|Chapter|Paragraph|Clause|Decree|Law|Protocol|"
    r"Amendment|Annex|Rule|Item|Number|No\.?|Nos?\.|Act|Directive|Regulation|Order|Bill|"
    r"Session|Round|Phase|Flight|Route|Highway|Unit|Brigade|Division|Battalion)|"
    r"\b(?:resolution|article|section|chapter|paragraph|clause|decree|protocol|annex)s?)"
    r"\s+(?:No\.?\s+)?$"
)
# Currencies: symbols and words (with the adjectives that pick one pound or lira from another).
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₺": "TRY"}
_CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "yen": "JPY",
    "rouble": "RUB", "ruble": "RUB", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR",
    "riyal": "SAR", "dirham": "AED", "dinar": None, "lira": "TRY", "shekel": "ILS",
    "franc": "CHF", "won": "KRW", "rial": "IRR", "hryvnia": "UAH", "manat": None,
}  # fmt: skip
_QUALIFIED = {
    ("syrian", "pound"): "SYP", ("lebanese", "pound"): "LBP", ("egyptian", "pound"): "EGP",
    ("lebanese", "lira"): "LBP", ("syrian", "lira"): "SYP", ("turkish", "lira"): "TRY",
    ("iraqi", "dinar"): "IQD", ("jordanian", "dinar"): "JOD", ("kuwaiti", "dinar"): "KWD",
    ("libyan", "dinar"): "LYD", ("qatari", "riyal"): "QAR", ("iranian", "rial"): "IRR",
    ("australian", "dollar"): "AUD", ("canadian", "dollar"): "CAD", ("us", "dollar"): "USD",
    ("u.s.", "dollar"): "USD", ("american", "dollar"): "USD", ("swiss", "franc"): "CHF",
}  # fmt: skip
_CURRENCY_AFTER = re.compile(
    r"^\s+(?:([A-Za-z.]+)\s+)?(dollar|euro|pound|sterling|yen|r[ou]ble|yuan|renminbi|rupee|"
    r"riyal|dirham|dinar|lira|shekel|franc|won|rial|hryvnia|manat)(?:s|e)?\b",
    re.IGNORECASE,
)
_NOT_UNITS = frozenset(
    {"and", "or", "of", "the", "in", "on", "at", "to", "for", "from", "since", "by", "with",
     "a", "an", "is", "are", "was", "were", "has", "have", "had", "who", "which", "that"}
)  # fmt: skip


def word_number(text: str) -> float | None:
    """Read "two and a half", "twenty-five", "a" as numbers; None when it is not one."""
    text = text.lower().strip()
    extra = 0.0
    match = re.search(r"\s+and\s+a\s+(half|quarter|third)$", text)
    if match:
        extra = _FRACTION[match.group(1)]
        text = text[: match.start()]
    total = 0
    for part in re.split(r"[- ]+", text):
        if part not in _SMALL:
            return None
        total += _SMALL[part]
    return total + extra


def currency(text: str) -> str | None:
    """The ISO 4217 code (or the currency word) a piece of money text names, if any."""
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if symbol in text:
            return _SYMBOLS[symbol]
    words = re.findall(r"[A-Za-z.]+", text.lower())
    for before, word in zip(["", *words], words, strict=False):
        stem = re.sub(r"(?:s|es)$", "", word) if word not in ("lira", "sterling") else word
        stem = {"roubl": "rouble", "rubl": "ruble", "lire": "lira"}.get(stem, stem)
        if stem in _CURRENCY_WORDS:
            return _QUALIFIED.get((before, stem)) or _CURRENCY_WORDS[stem] or stem
    return None


def parse_quantities(
    text: str,
    offset: int = 0,
    context: str | None = None,
    *,
    skip: Sequence[tuple[int, int]] = (),
    money: Sequence[tuple[int, int, str]] = (),
) -> list[Quantity]:
    """Find numbers in `text` (offsets shifted by `offset`) with comparison, unit and scope.

    `skip` are (start, end) spans, in the same offsets, whose numbers are no quantities
    (LAW, DATE, TIME, ORDINAL entities); `money` are (start, end, text) MONEY spans, whose
    numbers take the currency as unit.
    """
    context = text if context is None else context
    found: list[Quantity] = []
    for m in NUMBER.finditer(text):
        raw = m.group("num")
        at, to = offset + m.start("num"), offset + m.start("num") + len(raw)
        if any(s <= at and to <= e for s, e in skip):
            continue  # inside "Article 5 of the" (LAW) or "the 3rd day" (DATE)
        if _DESIGNATOR.search(text[max(0, m.start() - 40) : m.start()]):
            continue  # "Resolution 2254": an identifier
        if re.fullmatch(_WORD_NUM, raw, re.IGNORECASE):
            bare = not (
                m.group("scale")
                or m.group("pct")
                or any(m.group(f"op{i}") for i in range(len(_OPS)))
            )
            if bare and (word_number(raw) or 0) <= 10:
                continue  # "the two sides", "one of them": counting words, not claims
            value = word_number(raw)
        else:
            value = float(raw.replace(",", ""))
        if value is None:
            continue
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= _SCALE[scale]
            if m.group("frac2"):
                value += _FRACTION[m.group("frac2").lower()] * _SCALE[scale]
        elif re.fullmatch(r"(?:1[89]|20)\d\d", raw) and not m.group("pct"):
            continue  # a year, not a quantity: time references cover it
        op = "="
        for i, (_, symbol) in enumerate(_OPS):
            if m.group(f"op{i}"):
                op = symbol
        unit = None
        paid = next((c for s, e, c in money if s <= at and to <= e), None)
        before = text[max(0, m.start() - 4) : m.start()].rstrip()
        mark = next((c for t, c in _SYMBOLS.items() if before.endswith(t)), None)
        written = mark or (
            currency(cm.group(0)) if (cm := _CURRENCY_AFTER.match(text[m.end() :])) else None
        )
        if m.group("pct"):
            unit = "percent"
        elif paid is not None or written:
            unit = written or currency(paid or "") or "money"
        else:
            after = _NEXT_NOUN.match(text[m.end() :])
            if after and after.group(1).lower() not in _NOT_UNITS:
                unit = after.group(1).lower()
            counted = _NUMBER_OF.search(context)
            if counted and (unit in (None, "people", "persons") or not unit):
                unit = counted.group(1).lower()
        since = _SINCE.search(context)
        found.append(
            Quantity(
                start=offset + m.start(),
                end=offset + m.end(),
                value=value,
                op=op,  # type: ignore[arg-type]
                unit=unit,
                since=since.group(1) if since else None,
            )
        )
    return found
