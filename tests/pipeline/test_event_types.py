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
    assert main == "ACCUSE"  # Kowalski's claim, never the outlet's fact
    accuse = next(e for e in article.events if e.type == "ACCUSE")
    assert accuse.mode == "allege"
    names = [article.text[p.start : p.end] for p in (*accuse.actors, *accuse.recipients)]
    assert names == ["Kowalski", "Moldovan"]
    assert not [e for e in article.events if e.type == "ASSAULT"]


def _people(article: Article, parts: tuple) -> list[str]:
    return [article.text[p.start : p.end] for p in parts]


def test_a_speaker_s_account_of_a_meeting_is_his_claim(settings: Settings) -> None:
    main, article = _main("Kowalski said that Novak met the Chilean ambassador in Lima.", settings)
    assert main == "CONSULT"
    consult = next(e for e in article.events if e.type == "CONSULT")
    assert consult.mode == "allege" and _people(article, consult.said_by) == ["Kowalski"]
    assert "Kowalski" not in _people(article, (*consult.actors, *consult.recipients))


def test_a_promise_in_someone_s_words_is_no_event(settings: Settings) -> None:
    text = "Kowalski said that Novak will support the Chilean plan."
    _, article = _main(text, settings)
    assert not [e for e in article.events if e.trigger and "support" in text[e.trigger.start :]]


def test_the_outlet_s_frame_is_neither_event_nor_party(settings: Settings) -> None:
    text = "President Novak received the Chilean envoy in Warsaw on Monday, Reuters reports."
    _, article = _main(text, settings)
    names = [n for e in article.events for n in _people(article, (*e.actors, *e.recipients))]
    assert names and "Reuters" not in names
    assert all(article.text[e.trigger.start : e.trigger.end] != "reports" for e in article.events)


@pytest.mark.parametrize(
    "text",
    [
        "The committee discussed the return of Syrian refugees to their homes.",
        "Thousands of refugees returned to their villages in Chile last year.",
        "Lebanon and Jordan host a large number of refugees.",
    ],
)
def test_refugees_going_home_or_hosted_are_no_event(text: str, settings: Settings) -> None:
    _, article = _main(text, settings)
    words = {text[e.trigger.start : e.trigger.end]: e.type for e in article.events if e.trigger}
    assert "RETREAT" not in words.values()
    assert not {"return", "returned", "host"} & set(words), words


def test_every_event_has_a_calibrated_confidence(settings: Settings) -> None:
    for _, text in CASES[:8]:
        _, article = _main(text, settings)
        assert all(0.0 < e.confidence < 1.0 for e in article.events), text


@pytest.mark.parametrize(
    ("want", "text"),
    [
        ("REJECT", "The Hungarian government will not lift the ban on Polish imports."),
        ("AGREE", "Portugal will support the Chilean bid, President Mario Soares said on Monday."),
        ("THREATEN", "Radical farmers said on Friday they would blockade Warsaw."),
    ],
)
def test_what_a_side_says_it_will_do_is_the_event(want: str, text: str, settings: Settings) -> None:
    got, article = _main(text, settings)
    assert got == want, text
    assert all(e.actors or e.recipients for e in article.events)


def test_a_closing_attribution_keeps_the_act_as_the_speaker_s_claim(settings: Settings) -> None:
    text = "Chilean soldiers shelled Peruvian villages near Tacna, Peruvian officials said."
    got, article = _main(text, settings)
    assert got == "ASSAULT"
    assault = next(e for e in article.events if e.type == "ASSAULT")
    assert assault.mode == "allege"
    assert not [e for e in article.events if e.type == "ACCUSE"]  # the report, not a charge
