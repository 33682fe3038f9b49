"""Geocoding place names to GeoNames entries with points and countries."""

from __future__ import annotations

from collections import Counter

import pytest

from dateline.link.geocode import CITY, COUNTRY, REGION, geocode, qualifier


@pytest.mark.parametrize(
    ("name", "geonameid", "country", "feature", "point"),
    [
        ("Damascus", 170654, "SYR", CITY, (33.51, 36.29)),
        ("Riyadh", 108410, "SAU", CITY, (24.69, 46.72)),
        ("Nor Sultan", 1526273, "KAZ", CITY, (51.18, 71.45)),  # sample 003's spelling
        ("Nur-Sultan", 1526273, "KAZ", CITY, (51.18, 71.45)),
        ("Astana", 1526273, "KAZ", CITY, (51.18, 71.45)),
        ("Syria", 163843, "SYR", COUNTRY, (35.0, 38.0)),
        ("Syrian", 163843, "SYR", COUNTRY, (35.0, 38.0)),
        ("Moscow", 524901, "RUS", CITY, (55.75, 37.62)),  # the city, not Russia's government
        ("Alberta", 5883102, "CAN", REGION, None),
    ],
)
def test_known_places(
    name: str, geonameid: int, country: str, feature: str, point: tuple[float, float] | None
) -> None:
    geo = geocode(name)
    assert geo is not None
    assert (geo.geonameid, geo.country, geo.feature) == (geonameid, country, feature)
    assert geo.name.isascii()
    if point is not None:
        assert abs(geo.latitude - point[0]) < 0.1 and abs(geo.longitude - point[1]) < 0.1


def test_a_region_gets_an_approximate_point_inside_its_country() -> None:
    geo = geocode("Alberta")
    assert geo is not None and 49 < geo.latitude < 60 and -120 < geo.longitude < -110


def test_qualifier_and_context_choose_among_namesakes() -> None:
    text = "Paris, Texas, is a small town."
    assert qualifier(text, 5) is not None
    texas = geocode("Paris", qualified_by=qualifier(text, 5))
    assert texas is not None and texas.country == "USA"
    assert geocode("Paris") is not None and geocode("Paris").country == "FRA"  # type: ignore[union-attr]
    london_ontario = geocode("London", context=Counter({"CAN": 5}))
    assert london_ontario is not None and london_ontario.country == "CAN"
    assert geocode("London").country == "GBR"  # type: ignore[union-attr]


def test_unknown_names_are_not_guessed() -> None:
    assert geocode("Xyzzyville") is None
    assert geocode("the") is None
    assert geocode("") is None
