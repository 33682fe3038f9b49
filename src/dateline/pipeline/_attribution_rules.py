"""Rules for attributed speech over the spaCy parse: the stage's fallback beside the model.

Tolerant of real newsroom quoting (curly or straight marks, unbalanced or paragraph-spanning
quotes):
1. a speech or cognition verb from our lexicon with a clausal complement ("X stressed that
   ..."), its subject as source; a verb with no subject of its own ("..., explaining that")
   borrows the subject of the verb it hangs from;
2. a quotation next to a cue clause ("“...,” said X", "X said: “...”"), with a second
   quotation after the cue clause in the same paragraph kept as a further fragment;
3. "according to X" with the rest of the clause as content;
4. "expressed (his) confidence/hope/concern in/that ...";
5. embedded posts ("... ― Name (@handle)"), quotations signed on their own line
   ("“...” ― Name"), transcript speaker labels ("PENCE: ...") and "Name: statement" lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import replace
from typing import Any

from dateline.model import Article, Quote, Span

# Speech and cognition verbs (lemmas) that introduce reported content in news.
CUE_VERBS = frozenset(
    (
        "say tell add note stress affirm confirm explain warn accuse deny claim insist argue "
        "state announce declare report reveal acknowledge admit assert emphasize emphasise "
        "point indicate suggest believe think hope expect fear predict promise pledge vow urge "
        "call demand ask question mention reiterate underline underscore highlight agree "
        "disclose maintain contend allege charge complain concede recall write describe "
        "estimate conclude stipulate believe consider doubt know feel recommend propose reply "
        "respond answer continue observe remark comment caution threaten announce assure "
        "explain boast brag predict forecast testify tweet show find cite see worry "
    ).split()
)
# Verbs of intention whose "to ..." complement is reported content ("wants to ...").
INTENT_VERBS = frozenset(
    (
        "want plan intend seek aim wish vow promise pledge threaten refuse decline offer hope "
        "expect "
    ).split()
)
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
_EXPRESS_VERBS = frozenset({"express", "voice", "reiterate", "convey"})
_EXPRESS_OBJECTS = frozenset(
    {"confidence", "hope", "concern", "regret", "support", "readiness", "satisfaction",
     "belief", "conviction", "opposition", "willingness", "desire", "wish", "fear"}
)  # fmt: skip
_OPEN = '“"«„‘'
_CLOSE = '”"»“’'
_QUOTE_RE = re.compile(
    r"(?:[“\"«„]|''|``)((?:(?!''|``)[^“”\"«»„\n]){2,})(?:[”\"»]|''|$|(?=\n))", re.MULTILINE
)


def quoted_spans(text: str) -> list[Span]:
    """Find quotations (marks included); an unclosed quote runs to the paragraph's end."""
    spans = []
    for m in _QUOTE_RE.finditer(text):
        end = m.end()
        if text[m.end() - 1 : m.end()] not in _CLOSE + "'":
            # Unbalanced: stop at the end of the paragraph, not the article.
            para_end = text.find("\n", m.start())
            end = len(text) if para_end == -1 else para_end
        content = text[m.start() : end].rstrip()
        if len(content.split()) >= 2:
            spans.append(Span(m.start(), m.start() + len(content)))
    return spans


def _span_of(tokens: list[Any]) -> Span | None:
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return Span(start, end)


def _trim(text: str, span: Span | None, drop_lead: tuple[str, ...] = ()) -> Span | None:
    """Shrink a span past surrounding punctuation, spaces and leading words like "that"."""
    if span is None:
        return None
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:-–—"):
        start += 1
    for word in drop_lead:
        if text[start : start + len(word) + 1].lower() == word + " ":
            start += len(word) + 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-–—."):
        end -= 1
    return Span(start, end) if end > start else None


def _subject(verb: Any) -> Any | None:
    """Return the subject token of a verb, borrowing from the governing verb when it has none."""
    if verb.tag_ == "VBG" and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        # "X stressed that ..., explaining that ...": the participle speaks for the speaker of
        # the cue before it in the sentence, whatever the parser attached it to.
        for earlier in reversed(list(verb.sent[: verb.i - verb.sent.start])):
            if earlier.lemma_.lower() in CUE_VERBS and earlier.tag_ != "VBG":
                subject = _subject(earlier)
                if subject is not None:
                    return subject
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in _SUBJECT_DEPS:
                return child
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if node.dep_ in ("advcl", "conj", "xcomp") and node.head != node:
            node = node.head
            continue
        break
    return None


_ASIDES = frozenset({"relcl", "acl", "advcl"})
_ASIDE_MARKS = frozenset({",", "―", "—", "–", "("})


def _source_span(subject: Any) -> Span | None:
    """The source's noun phrase, without the clauses set off from it.

    Dropped: a relative clause on the head itself ("officials who spoke"), and anywhere in
    the phrase a clause or "including ..." after a comma or dash (", which represents ...",
    ", speaking to veterans"), as PolNeAR's sources end before them; an appositive stays.
    """
    dropped: set[int] = set()
    for t in subject.subtree:
        if t.i in dropped or t == subject:
            continue
        first = t.left_edge
        set_off = first.i > 0 and first.nbor(-1).text in _ASIDE_MARKS
        aside = t.dep_ in _ASIDES or (t.dep_ == "prep" and t.lower_ == "including")
        if (t.dep_ == "relcl" and t.head == subject) or (aside and set_off):
            dropped.update(x.i for x in t.subtree)
            if set_off and first.i - 1 > subject.left_edge.i:
                dropped.add(first.i - 1)
    kept = [t for t in subject.subtree if t.i not in dropped]
    while len(kept) > 1 and kept[-1].text in (",", "―", "—", "–"):
        kept.pop()  # the comma that closed a dropped clause
    return _span_of(kept)


def _cue_span(verb: Any) -> Span:
    parts = [verb] + [c for c in verb.children if c.dep_ in ("prt", "neg") and c.i > verb.i]
    span = _span_of(parts)
    assert span is not None
    return span


def _indirect(doc: Any, text: str) -> list[Quote]:
    quotes = []
    for verb in doc:
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB", "AUX") or lemma not in CUE_VERBS | INTENT_VERBS:
            continue
        if lemma in INTENT_VERBS and lemma not in CUE_VERBS:
            xcomps = [c for c in verb.children if c.dep_ == "xcomp"]
            subject = _subject(verb)
            content = _trim(text, _span_of(list(xcomps[0].subtree))) if xcomps else None
            if content is not None and subject is not None:
                quotes.append(
                    Quote(
                        content=content,
                        source=_trim(text, _source_span(subject)),
                        cue=_cue_span(verb),
                    )
                )
            continue
        complement = [c for c in verb.children if c.dep_ in ("ccomp",)]
        if not complement and verb.lemma_.lower() in ("tell", "ask", "urge", "call"):
            complement = [c for c in verb.children if c.dep_ == "xcomp"]
        if not complement and verb.lemma_.lower() in ("call", "push", "argue"):
            # "called for an investigation": the object of "for" is what was asked.
            fors = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"]
            complement = [c for f in fors for c in f.children if c.dep_ == "pobj"]
        if not complement and verb.dep_ == "parataxis" and lemma in CUE_VERBS:
            # "The museum, Mr. Obama said, would make visitors ...": the sentence around the
            # parenthetical cue clause is the content, in up to two pieces.
            subject = _subject(verb)
            inside = _span_of(list(verb.subtree))
            if subject is None or inside is None:
                continue
            sent = verb.sent
            pieces = [
                _trim(text, Span(sent.start_char, inside.start)),
                _trim(text, Span(inside.end, sent.end_char)),
            ]
            parts = [p for p in pieces if p is not None and len(text[p.start : p.end]) > 2]
            if parts:
                quotes.append(
                    Quote(
                        content=parts[0],
                        source=_trim(text, _source_span(subject)),
                        cue=_cue_span(verb),
                        direct=_is_quoted(text, parts[0]),
                        fragments=tuple(parts[1:]),
                    )
                )
            continue
        if not complement:
            continue
        content = _trim(text, _span_of(list(complement[0].subtree)))
        subject = _subject(verb)
        if content is None or subject is None:
            continue
        quotes.append(
            Quote(
                content=content,
                source=_trim(text, _source_span(subject)),
                cue=_cue_span(verb),
                direct=_is_quoted(text, content),
            )
        )
    return quotes


def _expressed(doc: Any, text: str) -> list[Quote]:
    quotes = []
    for verb in doc:
        if verb.lemma_.lower() not in _EXPRESS_VERBS:
            continue
        objects = [
            c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in _EXPRESS_OBJECTS
        ]
        if not objects:
            continue
        obj = objects[0]
        rest = [c for c in obj.children if c.dep_ in ("prep", "acl", "ccomp") and c.i > obj.i]
        rest += [c for c in verb.children if c.dep_ in ("ccomp",) and c.i > obj.i]
        subject = _subject(verb)
        if not rest or subject is None:
            continue
        content = _trim(text, _span_of(list(rest[0].subtree)), ("that", "in", "about", "for"))
        cue = _span_of([verb, *[t for t in obj.subtree if t.i <= obj.i]])
        if content is None or cue is None:
            continue
        quotes.append(Quote(content=content, source=_trim(text, _source_span(subject)), cue=cue))
    return quotes


def _according_to(doc: Any, text: str) -> list[Quote]:
    quotes = []
    for token in doc:
        if (
            token.lower_ != "according"
            or token.i + 1 >= len(doc)
            or doc[token.i + 1].lower_ != "to"
        ):
            continue
        to = doc[token.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in token.children if c.dep_ == "pobj"
        ]
        if not objects:
            continue
        source = _trim(text, _span_of(list(objects[0].subtree)))
        if source is None or not _credible_source(objects[0]):
            continue  # "according to their interests": a manner, not a source
        sent = token.sent
        pp_start, pp_end = token.idx, source.end
        if pp_start - sent.start_char < sent.end_char - pp_end:
            rest = Span(pp_end, sent.end_char)
        else:
            rest = Span(sent.start_char, pp_start)
        content = _trim(text, rest)
        if content is None or len(text[content.start : content.end].split()) < 3:
            continue
        quotes.append(
            Quote(content=content, source=source, cue=Span(token.idx, to.idx + len(to.text)))
        )
    return quotes


# "according to X" attributes unless X is a manner or a measure ("according to their
# interests", "according to plan"). PolNeAR train: 386 of the 428 "according to" with an
# object are cues; a list of source nouns admitted only 262 of them (report, analysis,
# filing, average, data, results were missing) for 24 false ones, this list 386 for 42, most
# of those 42 reports and documents the annotators left out.
_MANNER_NOUNS = frozenset(
    (
        "interest preference way plan schedule instruction tradition custom need wish taste "
        "size order rule principle standard pattern design script fashion manner"
    ).split()
)


def _credible_source(head: Any) -> bool:
    """Say whether the object of "according to" can be a source (not a manner or measure)."""
    return head.lemma_.lower() not in _MANNER_NOUNS and head.pos_ not in ("ADJ", "ADV")


_TWEET = re.compile(
    r"^(?P<content>[^\n]{8,}?)\s*(?P<cue>[―—])\s*(?P<source>[^()\n]{2,60}?\(@\w+\))", re.MULTILINE
)
# A quotation signed on its own line: “...” ― Name (collected readers' posts, epigraphs).
_EPIGRAPH = re.compile(
    r"(?P<content>[“\"][^\n“”\"]{8,}[”\"])[\s\xa0]*(?P<cue>[―—])[\s\xa0]*"
    r"(?P<source>[A-Z][\w’'.-]*?[\w’'-](?:[ \xa0][A-Z][\w’'.-]*?[\w’'-]){0,3})\.?[\s\xa0]*$",
    re.MULTILINE,
)
# A transcript's speaker labels ("PENCE: Well, look, ..."), a paragraph each.
_SPEAKER_LABEL = re.compile(
    r"^[\"“]?(?P<source>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2})(?P<cue>:)[ \t]+"
    r"(?P<content>\S[^\n]*?)[\"”]?[ \t]*$",
    re.MULTILINE,
)
_COLON = re.compile(
    r"^(?P<source>[A-Z][^:\n]{1,60}?)(?P<cue>:)\s+(?P<content>\S[^\n]{8,})$", re.MULTILINE
)


def _from_match(m: re.Match[str]) -> Quote:
    """A direct quote from a match with named groups source, cue and content."""
    return Quote(
        content=Span(m.start("content"), m.end("content")),
        source=Span(m.start("source"), m.end("source")),
        cue=Span(m.start("cue"), m.end("cue")),
        direct=True,
    )


def _signatures(article: Article, text: str) -> list[Quote]:
    """Embedded posts ("... ― Name (@handle)"), signed quotations ("“...” ― Name") and
    "Name: statement" lines."""
    quotes = [_from_match(m) for m in _TWEET.finditer(text)]
    quotes += [_from_match(m) for m in _EPIGRAPH.finditer(text)]
    names = {(x.start, x.end) for x in article.mentions if x.label in ("PERSON", "ORG")}
    quotes += [
        _from_match(m)
        for m in _COLON.finditer(text)
        if (m.start("source"), m.end("source")) in names
    ]
    return quotes


def _transcript(text: str) -> list[Quote]:
    """A transcript's turns ("PENCE: ...", a label used at least twice), each one paragraph.

    Transcripts open each paragraph with a quotation mark they never close, so the turn is
    not completed to a quotation: it runs from after the label to the end of the line.
    """
    labels = list(_SPEAKER_LABEL.finditer(text))
    said = Counter(m.group("source") for m in labels)
    return [_from_match(m) for m in labels if said[m.group("source")] >= 2]


def _is_quoted(text: str, span: Span) -> bool:
    inner = re.sub(r"^that\s+", "", text[span.start : span.end])
    return bool(inner) and (inner[0] in _OPEN or inner.startswith(("''", "``")))


def _direct(doc: Any, text: str, taken: list[Quote]) -> list[Quote]:
    """Attach quotations that no clausal cue covered to the nearest cue clause beside them."""
    token_starts = [t.idx for t in doc]
    covered = [(q.content.start, q.content.end) for q in taken]
    quotes: list[Quote] = []
    spans = quoted_spans(text)
    for i, span in enumerate(spans):
        if any(s < span.end and span.start < e for s, e in covered):
            continue
        verb = _cue_near(doc, text, token_starts, span)
        if verb is None:
            continue
        subject = _subject(verb)
        if subject is None:
            continue
        fragments: tuple[Span, ...] = ()
        # "“...,” said X. “...”": the next quotation in the same paragraph continues it.
        if i + 1 < len(spans) and verb.idx > span.end:
            nxt = spans[i + 1]
            between = text[verb.idx : nxt.start]
            if "\n" not in between and len(between) < 80:
                fragments = (nxt,)
                covered.append((nxt.start, nxt.end))
        quotes.append(
            Quote(
                content=span,
                source=_trim(text, _source_span(subject)),
                cue=_cue_span(verb),
                direct=True,
                fragments=fragments,
            )
        )
    return quotes


def _cue_near(doc: Any, text: str, starts: list[int], span: Span) -> Any | None:
    """Find a cue verb in the short stretch right after or right before a quotation."""
    after = text[span.end : span.end + 60]
    before_start = max(0, span.start - 80)
    windows = [(span.end, span.end + len(after.split("\n")[0]))]
    line_start = text.rfind("\n", 0, span.start) + 1
    windows.append((max(before_start, line_start), span.start))
    for lo, hi in windows:
        i = bisect_right(starts, lo)
        while i < len(doc) and doc[i].idx < hi:
            token = doc[i]
            if token.lemma_.lower() in CUE_VERBS and token.pos_ in ("VERB", "AUX"):
                return token
            i += 1
    return None


def _complete_quotation(text: str, quote: Quote, spans: list[Span]) -> Quote:
    """Give a quoted content its closing mark, and a second quotation after the cue clause.

    "“A,” said X. “B.”" is one attribution with two content pieces; the parse alone
    stops A before its comma and closing mark.
    """
    content = quote.content
    lead = re.match(r"(?:that\s+)?", text[content.start : content.end])
    first = content.start + (lead.end() if lead else 0)
    for i, span in enumerate(spans):
        if span.start <= first < span.end:
            content = Span(min(span.start, content.start), max(span.end, content.end))
            quote = replace(quote, content=content, direct=True)
            cue = quote.cue
            if (
                cue is not None
                and cue.start >= span.end
                and not quote.fragments
                and i + 1 < len(spans)
            ):
                nxt = spans[i + 1]
                between = text[cue.end : nxt.start]
                if "\n" not in between and len(between) < 60 and not re.search(r"[“\"]", between):
                    quote = replace(quote, fragments=(nxt,))
            break
    return quote


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _drop_nested(quotes: list[Quote]) -> list[Quote]:
    """Keep one attribution per content: an outer one absorbs a cue found inside its content."""
    quotes.sort(key=lambda q: (q.content.start, -(q.content.end - q.content.start)))
    kept: list[Quote] = []
    for quote in quotes:
        if quote.cue is None:
            continue
        inside = any(
            k.content.start <= quote.cue.start and quote.cue.end <= k.content.end for k in kept
        )
        if not inside:
            kept.append(quote)
    return kept


def rule_quotes(article: Article, doc: Any) -> list[Quote]:
    """Every attribution the rules find, before speakers are resolved (origin "rules")."""
    text = article.text
    found = _indirect(doc, text) + _expressed(doc, text) + _according_to(doc, text)
    found += _signatures(article, text)
    found = _drop_nested(found)
    found += _direct(doc, text, found)
    spans = quoted_spans(text)
    found = [_complete_quotation(text, q, spans) for q in found]
    turns = _transcript(text)
    found = [q for q in found if not any(_overlap(q.content, t.content) for t in turns)] + turns
    pieces = {(f.start, f.end) for q in found for f in q.fragments}
    return [q for q in found if (q.content.start, q.content.end) not in pieces]


def cue_subject(doc: Any, text: str, cue: Span) -> tuple[Span | None, bool]:
    """The subject of a cue's verb in the parse, and whether it is the verb's own.

    A participle with no subject of its own ("..., explaining that") borrows the speaker of
    the cue before it; the second value is then False. A verb in a chain ("went on to
    criticize", "laughed and said") takes the chain's subject as its own.
    """
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")] if span is not None else []
    if not verbs:
        return None, False
    verb = verbs[-1]
    subject = _subject(verb)
    if subject is None:
        return None, False
    own = verb.tag_ != "VBG" or any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
    return _trim(text, _source_span(subject)), own
