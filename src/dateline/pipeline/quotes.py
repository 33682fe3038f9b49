"""Quotes stage: attributed speech (source, cue, content), direct or indirect, with the speaker.

A cascade, each step one line below:
1. the trained attribution model (`dateline/models/attribution`, `_attribution.py`) tags
   cues, sources and contents on the parse and ties them together (origin "model");
2. the rules over the parse (`_attribution_rules.py`) add what the model left out: an
   attribution whose cue and content touch nothing the model found (origin "rules");
   ``[quotes] rules = "fallback"`` (default), ``"off"`` or ``"only"`` (no model);
3. the source: the subject of the cue's verb in the parse when it has one (a participle
   without a subject takes the source of the attribution before it in the sentence), else
   the model's span;
4. direct or indirect: direct when the content is a quotation, unless the quotation itself
   shows it is the writer's paraphrase (see `is_direct`);
5. the source resolved to a person or organisation mention of the article (through pronouns
   and roles such as "the Syrian president"); never to a place.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dateline.errors import ConfigError
from dateline.model import Article, Mention, Quote, Span
from dateline.pipeline import Stage
from dateline.pipeline._attribution_rules import cue_subject, quoted_spans, rule_quotes
from dateline.settings import Settings

__all__ = ["extract_quotes", "is_direct", "quoted_spans", "resolve_speaker"]

_PRONOUNS = {
    "he": "PERSON",
    "she": "PERSON",
    "him": "PERSON",
    "her": "PERSON",
    "they": "ANY",
    "it": "ORG",
    "we": "ANY",
    "i": "PERSON",
}
_SPEAKER_LABELS = ("PERSON", "ORG", "NORP")


def resolve_speaker(article: Article, source: Span | None, cue: Span | None) -> Mention | None:
    """Resolve a source span to a person/organisation mention: by overlap, pronoun or role."""
    if source is None:
        return None
    text = article.text
    inside = [
        m for m in article.mentions
        if m.start < source.end and source.start < m.end and m.label in _SPEAKER_LABELS
    ]  # fmt: skip
    people = [m for m in inside if m.label == "PERSON"]
    if people:
        return people[-1]
    orgs = [m for m in inside if m.label == "ORG"]
    if orgs:
        return orgs[0]
    words = text[source.start : source.end].lower().split()
    before = [m for m in article.mentions if m.end <= source.start and m.label in ("PERSON", "ORG")]
    # A surname alone the NER missed ("Makhlouf pointed out"): the person named so before.
    if 1 <= len(words) <= 2 and text[source.start].isupper():
        last = words[-1].strip(",.")
        for mention in reversed(before):
            names = text[mention.start : mention.end].lower().split()
            if mention.label == "PERSON" and names and names[-1] == last:
                return mention
    if len(words) == 1 and words[0] in _PRONOUNS:
        want = _PRONOUNS[words[0]]
        for mention in reversed(before):
            if want in ("ANY", mention.label):
                return mention
        return None
    # A role ("the Syrian president", "the minister"): the latest person introduced with it.
    head = words[-1] if words else ""
    if len(words) <= 6 and words and words[0] in ("the", "this", "that"):
        for mention in reversed(before):
            if mention.label == "PERSON" and head and head in _titles(text, mention):
                return mention
    return None


def _titles(text: str, mention: Mention) -> list[str]:
    """Words that title a person where named: "President X", "X, the special envoy"."""
    left = re.split(r"[.!?;,\n]", text[max(0, mention.start - 60) : mention.start])[-1]
    words: list[str] = []
    for word in reversed(re.findall(r"[\w-]+", left)):
        if not word[0].isupper():
            break  # "after meeting Saudi Crown Prince X": the capitalised run titles X
        words.append(word.lower())
    after = re.match(r",\s+(?:the|a|an)\s+([^,.;\n]*)", text[mention.end : mention.end + 100])
    if after:
        words += re.findall(r"[\w-]+", after.group(1).lower())
    return words


RULE_MODES = ("fallback", "off", "only")
_OPENERS = ("“", '"', "«", "„", "‘", "''", "``")
# The writer's own reporting clause inside the marks: "“..., indicating that the US ...”".
_FRAMING = re.compile(
    r"\b(?:indicating|noting|adding|explaining|stressing|pointing out|saying|stating|"
    r"asserting|affirming|confirming|emphasi[sz]ing|underlining|stressing)\s+that\b",
    re.IGNORECASE,
)
_THIRD_PERSON = re.compile(r"\b(?:he|his|him|she|her|hers)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Mm]ine|[Ww]e|[Uu]s|[Oo]ur|[Oo]urs)\b")


def is_direct(text: str, content: Span, fragments: tuple[Span, ...] = ()) -> bool:
    """Say whether a content is direct speech: a quotation the speaker's own words fill.

    Quotation marks alone are not enough in translated or wire copy. Inside marks that follow
    "that", a speaker who is "he" or "his country" to himself (and never "I" or "we") is being
    paraphrased, and so is a quotation that carries the writer's own "indicating that ...".
    """
    inner = text[content.start : content.end]
    lead = re.match(r"(?:that\s+)?", inner)
    rest = inner[lead.end() if lead else 0 :]
    if not rest.startswith(_OPENERS):
        return False
    quoted = " ".join(text[p.start : p.end] for p in (content, *fragments))
    if _FRAMING.search(quoted):
        return False
    before = text[max(0, content.start - 6) : content.start].lower()
    after_that = bool(lead and lead.group()) or before.rstrip().endswith("that")
    return not (after_that and _THIRD_PERSON.search(quoted) and not _FIRST_PERSON.search(quoted))


def _rule_mode(settings: Settings) -> str:
    mode = str(settings.extra.get("quotes", {}).get("rules", "fallback"))
    if mode not in RULE_MODES:
        raise ConfigError(f"[quotes] rules must be one of {', '.join(RULE_MODES)}; got {mode!r}")
    return mode


def model_quotes(doc: Any) -> list[Quote]:
    """Attributions the trained model finds in a parsed Doc (origin "model")."""
    from dateline.pipeline._attribution import load_attribution_model

    quotes = []
    for found in load_attribution_model().find(doc):
        if not found.content:
            continue  # a cue with nothing said is no statement
        quotes.append(
            Quote(
                content=found.content[0],
                source=found.source,
                cue=found.cue,
                fragments=found.content[1:],
                origin="model",
            )
        )
    return quotes


def _sentence_of(doc: Any, char: int) -> int:
    """The first token of the sentence holding a character offset."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or len(span) == 0 or not doc.has_annotation("SENT_START"):
        return 0
    return int(span[0].sent.start)


def _touches(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def _left_out(rule: Quote, found: list[Quote]) -> bool:
    """Say whether a rule attribution touches nothing the model found."""
    mine = (rule.cue, rule.content, *rule.fragments)
    for quote in found:
        theirs = (quote.cue, quote.content, quote.source, *quote.fragments)
        if any(_touches(a, b) for a in mine for b in theirs):
            return False
    return True


def extract_quotes(article: Article, *, settings: Settings) -> Article:
    """Attach the article's attributed statements, each with its resolved speaker."""
    doc = article.doc
    if doc is None:
        from dateline.pipeline.annotate import nlp_for

        doc = nlp_for(settings)(article.text)
    text = article.text
    mode = _rule_mode(settings)
    # 1. the model; 2. the rules where it found nothing (or alone, when asked).
    found = [] if mode == "only" else model_quotes(doc)
    if mode != "off":
        rules = rule_quotes(article, doc)
        found += rules if mode == "only" else [q for q in rules if _left_out(q, found)]
    quotes: list[Quote] = []
    last: tuple[int, Span] | None = None  # sentence and source of the latest model quote
    for quote in sorted(found, key=lambda q: (q.content.start, q.cue.start if q.cue else 0)):
        if quotes and quotes[-1].content.start == quote.content.start:
            continue  # two cues on one content: the first cue owns it
        # 3. the source; 4. direct or indirect; 5. the speaker.
        if quote.origin == "model" and quote.cue is not None:
            subject, own = cue_subject(doc, text, quote.cue)
            sentence = _sentence_of(doc, quote.cue.start)
            if not own and last is not None and last[0] == sentence:
                # "X stressed that ..., explaining that ...": the participle's speaker is the
                # source of the attribution before it in the sentence.
                subject = last[1]
            # The parse's subject first, the tagged span where it has none (PolNeAR dev,
            # source exact F1: 68.4; the tagged span first 68.0, the tagged span alone 63.3).
            quote = replace(quote, source=subject or quote.source)
            if quote.source is not None:
                last = (sentence, quote.source)
        quote = replace(quote, direct=is_direct(text, quote.content, quote.fragments))
        speaker = resolve_speaker(article, quote.source, quote.cue)
        if speaker is not None:
            quote = replace(
                quote, speaker=Span(speaker.start, speaker.end), speaker_label=speaker.label
            )
        quotes.append(quote)
    return replace(article, quotes=tuple(quotes))


STAGE = Stage(
    name="quotes",
    run=extract_quotes,
    needs=frozenset({"text", "mentions"}),
    adds=frozenset({"quotes"}),
)
