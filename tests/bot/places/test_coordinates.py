"""Shared locations: the country a latitude/longitude lies in."""

from __future__ import annotations

import pytest

from bot.places.coordinates import country_at


@pytest.mark.parametrize(
    ("lat", "lon", "iso2"),
    [
        (24.71, 46.68, "SA"),  # Riyadh
        (21.49, 39.19, "SA"),  # Jeddah
        (3.14, 101.69, "MY"),  # Kuala Lumpur
        (1.35, 103.82, "SG"),
        (22.32, 114.17, "HK"),
        (25.03, 121.56, "TW"),  # Taipei
        (25.20, 55.27, "AE"),  # Dubai
        (25.29, 51.53, "QA"),
        (29.37, 47.98, "KW"),
        (23.59, 58.41, "OM"),  # Muscat
        (26.23, 50.59, "BH"),
        (4.90, 114.94, "BN"),
        (37.57, 126.98, "KR"),
        (35.68, 139.69, "JP"),
        (31.95, 35.93, "JO"),
        (11.56, 104.92, "KH"),
        (-6.21, 106.85, "ID"),  # Jakarta
        (48.85, 2.35, None),  # Paris
    ],
)
def test_country_at_known_cities(lat, lon, iso2):
    assert country_at(lat, lon) == iso2
