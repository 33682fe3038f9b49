"""Score geocoding on GeoWebNews: is a place name resolved to the right GeoNames entry?

    python bench/geocode.py                                   # GeoWebNews (GWN.xml)
    python bench/geocode.py --data ../shared/corpora/geoparsing-gwn/lgl.xml
    python bench/geocode.py --predictions out.jsonl

Data: ``../shared/corpora/geoparsing-gwn/GWN.xml`` (GeoWebNews, Gritta et al. 2019): 200 news
articles whose toponyms carry a GeoNames id. As in Mordecai 3's evaluation, the place name is
given (the gold span) and the geocoder picks the entry; the article's context (the countries
it names) comes from our own parse of the article. Figures:
- exact: the GeoNames id is the gold one;
- country: the ISO3 country is the gold one (the gold id's country when our gazetteer holds
  it, else the country of the nearest gazetteer city within 50 km of the gold point; places
  with neither, such as seas, are left out of this figure);
- acc@161: the point is within 161 km of the gold point.
Two sets: every toponym with a GeoNames id, and those Mordecai 3's data script keeps (the span
holds a word spaCy tags GPE or LOC). Also reads LGL / TR-News (``<gaztag geonameid>``), which
were used to set the ranking weights, so GeoWebNews stays unseen by the tuning.
Peer (Mordecai 3 README, GWN held-out part, N=474, gold spans): exact 90.1%, country 97.4%,
acc@161 94.1. The last line is JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from dateline.link.actors import _gazetteer
from dateline.link.geocode import (
    Geo,
    _continents,
    _countries,
    _subdivisions,
    article_countries,
    geocode,
    qualifier,
)
from dateline.model import Article, Mention

DEFAULT = Path("../shared/corpora/geoparsing-gwn/GWN.xml")
PEER = "Mordecai 3 (README, GWN held-out part, N=474, gold spans)"
PEER_FIGURES = {"exact": 0.901, "country": 0.974, "acc161": 0.941}


@dataclass(frozen=True, slots=True)
class Toponym:
    """A gold toponym: its span in the article and its GeoNames entry."""

    start: int
    end: int
    name: str
    geonameid: int
    lat: float | None
    lon: float | None
    country: str | None = None  # ISO3 when the corpus gives it (LGL, TR-News)


def read_corpus(path: Path) -> list[tuple[str, list[Toponym]]]:
    """Articles (text, gold toponyms with a GeoNames id) of GWN.xml, lgl.xml or TR-News.xml."""
    iso_by_geonames = {geo.geonameid: iso3 for iso3, geo in _countries().items()}
    root = ET.parse(path).getroot()
    out = []
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        found = []
        for top in article.iter("toponym"):
            gid = top.findtext("geonamesID")
            lat, lon = top.findtext("latitude"), top.findtext("longitude")
            name = top.findtext("extractedName") or top.findtext("phrase") or ""
            country = None
            gaz = top.find("gaztag")
            if gaz is not None:
                gid = gaz.get("geonameid")
                lat, lon = gaz.findtext("lat"), gaz.findtext("lon")
                c = gaz.find("country")
                if c is not None and c.get("geonameid"):
                    country = iso_by_geonames.get(int(c.get("geonameid") or 0))
            if not gid or not gid.strip().isdigit():
                continue
            start, end = int(top.findtext("start") or 0), int(top.findtext("end") or 0)
            found.append(Toponym(start, end, name, int(gid), _num(lat), _num(lon), country))
        out.append((text, found))
    return out


def _num(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(min(1.0, math.sqrt(h)))


class _Countries:
    """The gold country of a GeoNames id or point, from our own gazetteer tables."""

    def __init__(self) -> None:
        self.by_id: dict[int, str | None] = {}
        for geo in _countries().values():
            self.by_id[geo.geonameid] = geo.country
        for geos in _subdivisions().values():
            for geo in geos:
                self.by_id[geo.geonameid] = geo.country
        for geo in _continents().values():
            self.by_id[geo.geonameid] = None
        self.points: list[tuple[float, float, str]] = []
        seen: set[int] = set()
        for rows in _gazetteer().city_rows.values():
            for row in rows:
                if row.geonameid not in seen:
                    seen.add(row.geonameid)
                    self.by_id[row.geonameid] = row.country
                    self.points.append((row.latitude, row.longitude, row.country))

    def of(self, top: Toponym) -> str | None:
        if top.country:
            return top.country
        if top.geonameid in self.by_id:
            return self.by_id[top.geonameid]
        if top.lat is None or top.lon is None:
            return None
        best = min(self.points, key=lambda p: abs(p[0] - top.lat) + abs(p[1] - top.lon))  # type: ignore[operator]
        return best[2] if _km((best[0], best[1]), (top.lat, top.lon)) <= 50 else None


def _mentions(texts: list[str], cache: Path) -> list[list[Mention]]:
    """Entity mentions of each article from dateline's own parse (cached)."""
    key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    path = cache / f"geocode-mentions-{key}.json"
    if path.is_file():
        rows = json.loads(path.read_text())
        return [[Mention(*m) for m in ms] for ms in rows]
    from dateline.pipeline.annotate import annotate_many
    from dateline.settings import load_settings

    articles = [Article(id=str(i), text=t, source_path="") for i, t in enumerate(texts)]
    done = annotate_many(articles, settings=load_settings())
    rows = [[(m.start, m.end, m.label) for m in a.mentions] for a in done]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))
    return [[Mention(*m) for m in ms] for ms in rows]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    args = parser.parse_args(argv)
    corpus = read_corpus(args.data)
    texts = [t for t, _ in corpus]
    mentions = _mentions(texts, args.cache)
    gold_country = _Countries()
    totals: dict[str, Counter[str]] = {"all": Counter(), "mordecai-filter": Counter()}
    rows = []
    for (text, tops), found in zip(corpus, mentions, strict=True):
        article = Article(id="a", text=text, source_path="", mentions=tuple(found))
        context = article_countries(article)
        placey = [m for m in found if m.label in ("GPE", "LOC")]
        for top in tops:
            # TR-News offsets are sometimes one character off: then trust the phrase.
            sliced = text[top.start : top.end]
            name = sliced if sliced.strip() == top.name.strip() or not top.name else top.name
            geo: Geo | None = geocode(name, context=context, qualified_by=qualifier(text, top.end))
            country = gold_country.of(top)
            exact = geo is not None and geo.geonameid == top.geonameid
            near = (
                geo is not None
                and top.lat is not None
                and top.lon is not None
                and _km((geo.latitude, geo.longitude), (top.lat, top.lon)) <= 161
            )
            kept = any(m.start < top.end and top.start < m.end for m in placey)
            for name_, counter in totals.items():
                if name_ == "mordecai-filter" and not kept:
                    continue
                counter["n"] += 1
                counter["exact"] += exact
                counter["resolved"] += geo is not None
                if top.lat is not None:
                    counter["n_point"] += 1
                    counter["acc161"] += near
                if country is not None:
                    counter["n_country"] += 1
                    counter["country"] += geo is not None and geo.country == country
            rows.append({"name": name, "gold": top.geonameid, "predicted": geo and geo.geonameid,
                         "predicted_name": geo and geo.name, "gold_country": country,
                         "predicted_country": geo and geo.country})  # fmt: skip
    print(f"data: {args.data}")
    print(f"{'':34}{'N':>6}{'exact':>8}{'country':>9}{'acc@161':>9}{'resolved':>10}")
    figures = {}
    for name_, c in totals.items():
        exact = c["exact"] / max(1, c["n"])
        country = c["country"] / max(1, c["n_country"])
        acc = c["acc161"] / max(1, c["n_point"])
        resolved = c["resolved"] / max(1, c["n"])
        figures[name_] = {"n": c["n"], "exact": exact, "country": country, "acc161": acc}
        print(f"{'dateline, ' + name_:34}{c['n']:6d}{exact:8.3f}{country:9.3f}{acc:9.3f}"
              f"{resolved:10.3f}")  # fmt: skip
    p = PEER_FIGURES
    print(
        f"{'peer: ' + PEER[:28]:34}{474:6d}{p['exact']:8.3f}{p['country']:9.3f}{p['acc161']:9.3f}"
    )
    print(f"peer: {PEER} — measured on its own held-out share of GWN, not on this exact set")
    if args.predictions:
        args.predictions.parent.mkdir(parents=True, exist_ok=True)
        args.predictions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    main_figures = figures["mordecai-filter"]
    print(
        json.dumps(
            {
                "data": str(args.data),
                "n": main_figures["n"],
                "exact_accuracy": round(main_figures["exact"], 4),
                "country_accuracy": round(main_figures["country"], 4),
                "acc_at_161km": round(main_figures["acc161"], 4),
                "all_toponyms": {k: round(v, 4) for k, v in figures["all"].items()},
                "peer": PEER,
                "peer_exact_accuracy": p["exact"],
                "peer_country_accuracy": p["country"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
