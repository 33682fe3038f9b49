"""Actor coding: countries and PLOVER sectors from names and roles, and place aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.link.actors import code_actor, country_code, resolve_place, role_near
from dateline.link.identities import resolve_identities
from dateline.model import Article


@pytest.mark.parametrize(
    ("text", "context", "country", "sector"),
    [
        ("Armenian Prime Minister Nikol Pashinyan", "", "ARM", "GOV"),
        ("Mexican authorities", "", "MEX", "GOV"),
        ("Defense Minister", "German", "DEU", "GOV"),
        ("Pakistani Army", "", "PAK", "MIL"),
        ("Minsk police station", "", "BLR", "COP"),
        ("Syrian mercenaries", "", "SYR", "UAF"),
        ("United Nations Security Council", "", "UNO", "IGO"),
        ("Chile's Ministry of Mines", "", "CHL", "GOV"),
        ("Russian Deputy Foreign Minister", "", "RUS", "GOV"),
        ("Major General", "", None, "MIL"),
        ("former President", "", None, "CVL"),
    ],
)
def test_code_actor(text: str, context: str, country: str | None, sector: str) -> None:
    code = code_actor(text, context)
    assert (code.country, code.sector) == (country, sector)


def test_defence_minister_is_government_and_military() -> None:
    code = code_actor("Defense Minister")
    assert (code.sector, code.sector2) == ("GOV", "MIL")


def test_demonyms_and_country_names() -> None:
    assert country_code("Syrian") == country_code("Syria") == "SYR"
    assert country_code("the Russian Federation") == country_code("Russians") == "RUS"
    assert country_code("America") == country_code("U.S.") == "USA"
    assert country_code("Narnia") is None


def test_place_aliases_share_a_key() -> None:
    keys = {resolve_place(n).key for n in ("Astana", "Nur-Sultan", "Nor Sultan")}  # type: ignore[union-attr]
    assert len(keys) == 1
    damascus = resolve_place("Damascus")
    assert damascus is not None and damascus.country == "SYR"
    assert resolve_place("Syria").key == "C:SYR"  # type: ignore[union-attr]


def test_roles_before_and_after_names() -> None:
    text = (
        "Russian Deputy Foreign Minister Sergey Verchinen attended. Alexander Lavrentiev, "
        "the special envoy of President Vladimir Putin, said so."
    )
    start = text.index("Sergey")
    assert role_near(text, start, start + len("Sergey Verchinen")) == (
        "Russian Deputy Foreign Minister"
    )
    lav = text.index("Alexander")
    role = role_near(text, lav, lav + len("Alexander Lavrentiev"))
    assert role == "the special envoy of President Vladimir Putin"
    putin = text.index("Vladimir")
    assert role_near(text, putin, putin + len("Vladimir Putin")) == "President"


@given(st.text(max_size=200), st.text(max_size=50))
def test_code_actor_takes_any_text(text: str, context: str) -> None:
    code = code_actor(text, context)
    assert code.country is None or len(code.country) == 3


def test_sample_entities_have_country_sector_and_roles(
    seed_articles: dict[str, Article],
) -> None:
    entities = resolve_identities(list(seed_articles.values())).entities
    by_name = {e.name: e for e in entities}
    assert (by_name["Sergey Verchinen"].country, by_name["Sergey Verchinen"].sector) == (
        "RUS",
        "GOV",
    )
    assert by_name["Ali Mamluk"].sector == "MIL"
    assert by_name["Mohammed bin Salman"].country == "SAU"
    assert "Minister of Local Administration and Environment" in by_name["Hussein Makhlouf"].roles
    russia = by_name["Russia"]
    assert russia.country == "RUS" and {"Russian", "Russia"} <= set(russia.aliases)
    astana = by_name["Astana"]
    assert astana.country == "KAZ" and "Nor Sultan" in astana.aliases
    assert by_name["Damascus"].country == "SYR"


# NGEC's actor tests that need no Wikipedia lookup: the country or sector is written in the
# phrase itself (a demonym, a country or city name, a role or body word).
_NGEC = Path(__file__).parents[2].parent / "shared/corpora/ngec-actor-tests"
_WRITTEN = {
    "Armenian Prime Minister Nikol Pashinyan", "Armenian Prime Minister", "Mexican authorities",
    "Defense Minister", "the Mongolian President", "Chile's Ministry of Mines",
    "Chile's Defense Department", "Syrian mercenaries", "Chile's Defense Ministry",
    "Several of the largest trade unions in Denmark", "Pakistani Army", "Saudi National Guard",
    "Saudi Arabia", "United Nations Security Council", "Minsk police station", "Serbian Army",
    "Mongolia", "Collective Security Treaty Organization",
}  # fmt: skip


def _ngec_cases() -> list[tuple[str, str, str, str]]:
    path = _NGEC / "actor_resolution_cases.jsonl"
    if not path.exists():
        return []
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        args = case["args"]
        if case["method"] != "agent_to_code" or args[0] not in _WRITTEN:
            continue
        context = args[1] if len(args) > 1 else ""
        for check in case["expected"]:
            if check["field"] in ("country", "code_1") and check["op"] == "==":
                cases.append((args[0], context, check["field"], check["expected"]))
    return cases


def test_ngec_written_cases() -> None:
    cases = _ngec_cases()
    if not cases:
        pytest.skip("../shared/corpora/ngec-actor-tests not present")
    right = 0
    for text, context, field, expected in cases:
        code = code_actor(text, context)
        got = (code.country if field == "country" else code.sector) or ""
        right += got == expected
    # Figures: see the issue note; the misses are sector codes NGEC leaves empty for a bare
    # country name (we agree) or codes by a convention we do not share.
    assert right / len(cases) >= 0.85, f"{right}/{len(cases)}"


def test_acronyms_in_capitals_are_bodies_words_are_not() -> None:
    assert code_actor("the UN envoy").country == "UNO"
    assert code_actor("U.N. peacekeepers").country == "UNO"
    assert code_actor("EU foreign ministers").country == "IGO"
    assert code_actor("NATO").country == "IGO"
    assert code_actor("people who fled").country is None
