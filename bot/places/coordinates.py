"""Offline country lookup for shared locations.

A coarse table of bounding boxes for the destination countries in
``shared/reference/emergency_numbers.yaml``. Boxes are checked smallest first, so a city
state inside a bigger box (Singapore, Brunei, Hong Kong, Bahrain) wins. Borders are
approximate: the dialogue should confirm the country with the user.
"""

from __future__ import annotations

# (iso2, lat_min, lat_max, lon_min, lon_max), most specific first.
_BOXES: tuple[tuple[str, float, float, float, float], ...] = (
    ("SG", 1.15, 1.48, 103.60, 104.10),
    ("HK", 22.15, 22.57, 113.83, 114.45),
    ("BH", 25.55, 26.35, 50.35, 50.85),
    ("BN", 4.00, 5.10, 114.05, 115.40),
    ("QA", 24.45, 26.20, 50.75, 51.65),
    ("KW", 28.50, 30.10, 46.55, 48.45),
    ("OM", 25.60, 26.40, 56.00, 56.50),  # Musandam, before the UAE box
    ("AE", 22.60, 26.10, 51.50, 56.40),
    ("TW", 21.85, 25.35, 119.30, 122.10),
    ("KR", 34.30, 38.60, 126.00, 129.60),
    ("KR", 33.10, 33.60, 126.10, 127.00),  # Jeju
    ("JO", 29.20, 33.40, 35.45, 39.30),
    ("KH", 10.40, 14.70, 102.30, 107.65),
    ("JP", 24.00, 45.60, 122.90, 146.00),
    ("OM", 16.60, 24.00, 55.00, 59.90),
    ("MY", 1.25, 6.75, 99.60, 104.60),  # Peninsular Malaysia
    ("MY", 0.85, 5.00, 109.60, 115.60),  # Sarawak
    ("MY", 4.00, 7.40, 115.30, 119.30),  # Sabah
    ("SA", 16.30, 32.20, 34.50, 55.70),
    ("ID", -11.00, 6.10, 95.00, 141.10),
)


def country_at(latitude: float, longitude: float) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of a known destination country at a point.

    Args:
        latitude: Degrees north.
        longitude: Degrees east.

    Returns:
        ``"SA"``, ``"MY"``, ... or None when the point is in none of the known countries.
    """
    for iso2, lat_min, lat_max, lon_min, lon_max in _BOXES:
        if lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max:
            return iso2
    return None
