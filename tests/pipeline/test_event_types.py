"""Event typing on sentences written for these tests: one or more per PLOVER type."""

from __future__ import annotations

import pytest

from dateline.model import Article, Mention
from dateline.pipeline.annotate import MENTION_LABELS, nlp_for
from dateline.pipeline.events import extract_events, main_event
from dateline.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    """Default settings."""
    return load_settings()


def _main(text: str, settings: Settings) -> tuple[str, Article]:
    doc = nlp_for(settings)(text)
    article = Article(
        id="t",
        text=text,
        source_path="t",
        doc=doc,
        mentions=tuple(
            Mention(e.start_char, e.end_char, e.label_)
            for e in doc.ents
            if e.label_ in MENTION_LABELS
        ),
    )
    article = extract_events(article, settings=settings)
    best = main_event(article.events, doc)
    return (best.type if best else "NONE"), article


CASES = [
    ("AGREE", "The two governments agreed on Monday to resume the stalled border talks."),
    ("AGREE", "Kenya will host a round of peace talks with the rebels next week."),
    ("CONSULT", "The Chilean foreign minister met his Peruvian counterpart in Lima on Tuesday."),
    ("CONSULT", "Envoys from Norway held talks with the Sudanese delegation."),
    ("SUPPORT", "The prime minister praised Ghana for its handling of the election."),
    ("SUPPORT", "Portugal and Angola signed a treaty on fishing rights on Friday."),
    ("CONCEDE", "The interior minister apologized to the families of the victims."),
    ("CONCEDE", "The army declared a ceasefire in the northern province."),
    ("CONCEDE", "The government said it would withdraw its troops from the border town."),
    ("COOPERATE", "Chile cooperated with Peru on fisheries enforcement."),
    ("AID", "Japan donated rice and medicine to flood victims in Bangladesh."),
    ("AID", "The World Bank provided a loan of $200 million to Zambia."),
    ("RETREAT", "The rebels released twelve hostages on Sunday."),
    ("RETREAT", "Ethiopian troops pulled out of the disputed village."),
    ("REQUEST", "The opposition leader urged the president to call early elections."),
    ("REQUEST", "Aid agencies called on the government to open the border crossing."),
    ("ACCUSE", "The foreign ministry accused Serbia of violating the agreement."),
    ("ACCUSE", "Human rights groups condemned the police for the killings."),
    ("ACCUSE", "Prosecutors in Brazil opened an investigation into the senator."),
    ("REJECT", "The council rejected the proposal from the mining company."),
    ("REJECT", "Hungary refused to accept the refugee quota."),
    ("THREATEN", "The militia threatened to attack the convoy."),
    ("THREATEN", "Washington warned Caracas of further measures."),
    ("PROTEST", "Thousands of people marched through the capital against the new tax."),
    ("PROTEST", "Teachers went on strike across the country on Monday."),
    ("PROTEST", "Farmers staged a protest outside the parliament in Warsaw."),
    ("SANCTION", "The European Union imposed sanctions on Belarus."),
    ("SANCTION", "Lithuania expelled two Russian diplomats."),
    ("MOBILIZE", "Pakistan deployed troops along the border with India."),
    ("COERCE", "Police arrested dozens of students in Dhaka."),
    ("COERCE", "Security forces detained three journalists in Minsk."),
    ("ASSAULT", "Gunmen killed seven villagers in an attack on Tuesday."),
    ("ASSAULT", "Warplanes bombed rebel positions near Aleppo."),
    ("ASSAULT", "Soldiers clashed with insurgents in the mountains."),
]


@pytest.mark.parametrize(("want", "text"), CASES)
def test_sentence_type(want: str, text: str, settings: Settings) -> None:
    got, _ = _main(text, settings)
    assert got == want, text


def test_diplomatic_protest_is_an_accusation(settings: Settings) -> None:
    got, _ = _main("France protested to Italy over the treatment of migrants.", settings)
    assert got == "ACCUSE"


def test_negated_event_is_none(settings: Settings) -> None:
    got, _ = _main("The two leaders did not meet in Geneva.", settings)
    assert got == "NONE"


def test_crowd_is_a_party(settings: Settings) -> None:
    _, article = _main("Hundreds of demonstrators rallied in the square.", settings)
    protest = next(e for e in article.events if e.type == "PROTEST")
    assert [article.text[p.start : p.end] for p in protest.actors] in (
        ["Hundreds"],
        ["demonstrators"],
    )


def test_reported_hostile_act_is_an_accusation(settings: Settings) -> None:
    text = "Kowalski said that Moldovan troops continue to shell the villages."
    main, article = _main(text, settings)
    assert main == "ASSAULT"  # the reported act itself is the sentence's main event
    accuse = next(e for e in article.events if e.type == "ACCUSE")
    names = [article.text[p.start : p.end] for p in (*accuse.actors, *accuse.recipients)]
    assert names == ["Kowalski", "Moldovan"]
