"""Distance on the Earth's surface, for the attendance radius (hr) and the transport estimate
(transport). Written by hand: a dozen lines of the haversine formula, which both legacy routers
used, do not justify a geodesy dependency (the error against an ellipsoid, under 0.5 %, is below
what either rule can tell)."""

import math

EARTH_RADIUS_METRES = 6_371_000.0


def great_circle_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = math.radians(lat2 - lat1)
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return EARTH_RADIUS_METRES * 2 * math.atan2(math.sqrt(h), math.sqrt(1 - h))
