"""Offline geocoding: gazetteer names, fallbacks, order of trust, distances."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from network.geocoder import (
    Geocoder,
    Location,
    batch_locate,
    cache_key,
    country_centroid,
    distance_km,
    geocode_cli,
    lookup_city,
    normalise_country,
    within_km,
)
from tests.conftest import shared_file

# Known coordinates of the cities (lat, lon), to about 0.05 degrees.
THE_HAGUE = (52.08, 4.30)
MUNICH = (48.14, 11.58)
GOTHENBURG = (57.71, 11.97)
COPENHAGEN = (55.68, 12.57)
BRUSSELS = (50.85, 4.35)
LEUVEN = (50.88, 4.70)
FRANKFURT_MAIN = (50.11, 8.68)
FRANKFURT_ODER = (52.34, 14.55)
AMSTERDAM = (52.37, 4.90)
ATHENS = (37.98, 23.73)


class DictCache:
    """A tiny cache with the interface Geocoder expects; counts its calls."""

    def __init__(self) -> None:
        self.data: dict[str, Location] = {}
        self.gets: list[str] = []

    def get(self, key: str) -> Location | None:
        self.gets.append(key)
        return self.data.get(key)

    def put(self, key: str, location: Location) -> None:
        self.data[key] = location


def assert_at(loc: Location | None, expected: tuple[float, float]) -> None:
    assert loc is not None
    assert (loc.lat, loc.lon) == pytest.approx(expected, abs=0.2)


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Den Haag", "NL", THE_HAGUE),
        ("The Hague", "NL", THE_HAGUE),
        ("'s-Gravenhage", "NL", THE_HAGUE),
        ("München", "DE", MUNICH),
        ("Munich", "DE", MUNICH),
        ("MUENCHEN", "DE", MUNICH),
        ("Göteborg", "SE", GOTHENBURG),
        ("Gothenburg", "SE", GOTHENBURG),
        ("GOETEBORG", "SE", GOTHENBURG),
        ("København", "DK", COPENHAGEN),
        ("Copenhagen", "DK", COPENHAGEN),
        ("KOBENHAVN", "DK", COPENHAGEN),
        ("BRUXELLES", "BE", BRUSSELS),
        ("LEUVEN", "BE", LEUVEN),
    ],
)
def test_spellings_resolve_to_the_city(name, country, expected):
    loc = lookup_city(name, country)
    assert_at(loc, expected)
    assert (loc.precision, loc.source) == ("city", "gazetteer")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Frankfurt", FRANKFURT_MAIN),
        ("FRANKFURT AM MAIN", FRANKFURT_MAIN),
        ("Frankfurt (Oder)", FRANKFURT_ODER),
        ("Frankfurt an der Oder", FRANKFURT_ODER),
    ],
)
def test_ambiguity_is_settled_by_population_unless_asked(name, expected):
    assert_at(lookup_city(name, "DE"), expected)


def test_same_name_in_two_countries_is_settled_by_country():
    assert_at(lookup_city("Cambridge", "UK"), (52.21, 0.12))
    assert_at(lookup_city("Cambridge", "US"), (42.37, -71.11))
    assert_at(lookup_city("Bergen", "NO"), (60.39, 5.32))
    assert_at(lookup_city("Bergen", "NL"), (52.67, 4.70))


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("BERLIN-ADLERSHOF", "DE", (52.43, 13.54)),
        ("THERMI THESSALONIKI", "EL", (40.55, 23.02)),
        ("PARIS CEDEX 07", "FR", (48.86, 2.35)),
        ("GETAFE (MADRID)", "ES", (40.31, -3.73)),
        ("S HERTOGENBOSCH", "NL", (51.69, 5.30)),
        ("S GRAVENHAGE", "NL", THE_HAGUE),
        ("GÃ–TEBORG", "SE", GOTHENBURG),  # UTF-8 read as cp1252
        ("AMSTREDAM", "NL", AMSTERDAM),  # typo, fuzzy
    ],
)
def test_cordis_city_fields_are_cleaned(name, country, expected):
    assert_at(lookup_city(name, country), expected)


def test_partial_and_fuzzy_matches_say_so():
    assert "thermi" in lookup_city("THERMI THESSALONIKI", "EL").message
    assert "approximate" in lookup_city("AMSTREDAM", "NL").message
    assert lookup_city("Amsterdam", "NL").message is None


def test_linked_names_are_not_cut_into_other_places():
    # Santa Oliva (Catalonia) is not Oliva (Valencia), Saint-Martin-du-Fresne is not
    # Saint-Martin-d'Hères: without the full name in the gazetteer, nothing is found.
    for name, country in [
        ("SANTA OLIVA", "ES"),
        ("SAINT MARTIN DU FRESNE", "FR"),
        ("GLORIA E VERA CRUZ", "PT"),
    ]:
        loc = lookup_city(name, country)
        assert loc is None, (name, loc)


def test_without_country_the_most_populous_wins():
    assert_at(lookup_city("Munich"), MUNICH)
    assert_at(lookup_city("Cambridge"), (52.21, 0.12))


def test_unknown_place_is_not_found():
    assert lookup_city("Xyzzyville", "NL") is None
    assert lookup_city("", "NL") is None
    assert lookup_city(None, "NL") is None


def test_unknown_place_falls_back_to_country_centre_with_message():
    loc = Geocoder().locate(city="Xyzzyville", country="NL")
    assert (loc.precision, loc.source) == ("country", "centroid")
    assert (loc.lat, loc.lon) == pytest.approx((52.13, 5.29), abs=0.2)
    assert "Xyzzyville" in loc.message


def test_cordis_country_codes():
    assert normalise_country("UK") == "GB"
    assert normalise_country("el") == "GR"
    assert normalise_country(" nl ") == "NL"
    assert_at(Geocoder().locate(city="ATHINA", country="EL"), ATHENS)
    assert country_centroid("UK").name == country_centroid("GB").name


@pytest.mark.parametrize("code", ["XX", "", "GBR", "U K"])
def test_unknown_country_code_is_a_clear_error(code):
    with pytest.raises(ValueError, match="unknown country code"):
        normalise_country(code)
    with pytest.raises(ValueError, match="unknown country code"):
        Geocoder().locate(city="Leuven", country=code)


def test_country_without_table_entry_uses_its_capital():
    loc = country_centroid("IS")  # in the table
    assert loc.message is None
    loc = country_centroid("PA")  # Panama: not in the table, capital Panama City
    assert (loc.lat, loc.lon) == pytest.approx((8.99, -79.52), abs=0.3)
    assert "capital" in loc.message


def test_user_correction_wins():
    cache = DictCache()
    fix = Location(50.0, 4.0, "exact", "gazetteer", name="lab")
    loc = Geocoder(cache=cache).locate(
        city="Leuven", country="BE", lat=51.0, lon=5.0, correction=fix
    )
    assert (loc.lat, loc.lon, loc.source, loc.name) == (50.0, 4.0, "user", "lab")
    assert cache.gets == []


def test_coordinates_in_the_data_win_over_the_gazetteer():
    loc = Geocoder().locate(city="Leuven", country="BE", lat=50.86, lon=4.67)
    assert (loc.lat, loc.lon, loc.precision, loc.source) == (50.86, 4.67, "exact", "data")


def test_invalid_coordinates_are_ignored_with_message():
    loc = Geocoder().locate(city="Leuven", country="BE", lat=123.0, lon=4.0)
    assert_at(loc, LEUVEN)
    assert loc.source == "gazetteer"
    assert "invalid coordinates" in loc.message


def test_cache_is_consulted_before_the_gazetteer():
    cache = DictCache()
    cached = Location(50.0, 4.5, "postcode", "nominatim", name="3000 Leuven")
    cache.put(cache_key("Leuven", "BE"), cached)
    loc = Geocoder(cache=cache).locate(city="LEUVEN", country="BE")
    assert loc == cached
    assert cache.gets == [cache_key("Leuven", "BE")]


def test_offline_results_are_not_cached():
    cache = DictCache()
    Geocoder(cache=cache).locate(city="Leuven", country="BE")
    assert cache.data == {}


def test_cache_key_is_normalised():
    assert cache_key("LEUVEN", "BE") == cache_key("Leuven", "be")
    assert cache_key("Leuven", "BE", "3000") != cache_key("Leuven", "BE")
    assert cache_key("MÜNCHEN", "DE") == "DE|munchen|"


def test_location_checks_its_fields():
    with pytest.raises(ValueError, match="precision"):
        Location(1.0, 2.0, "street", "data")
    with pytest.raises(ValueError, match="source"):
        Location(1.0, 2.0, "city", "guess")
    with pytest.raises(ValueError, match="out of range"):
        Location(91.0, 2.0, "city", "data")


def test_distance_amsterdam_copenhagen():
    # 622 km on the WGS84 ellipsoid; the great circle on the mean sphere is within 0.5%
    assert distance_km(52.3676, 4.9041, 55.6761, 12.5683) == pytest.approx(622, rel=0.005)
    amsterdam = lookup_city("Amsterdam", "NL")
    copenhagen = lookup_city("København", "DK")
    d = distance_km(amsterdam.lat, amsterdam.lon, copenhagen.lat, copenhagen.lon)
    assert d == pytest.approx(622, abs=5)
    assert distance_km(amsterdam.lat, amsterdam.lon, amsterdam.lat, amsterdam.lon) == 0


def test_distance_is_vectorised_and_unknown_is_nan():
    import numpy as np

    lats = np.array([52.3676, 55.6761, np.nan])
    lons = np.array([4.9041, 12.5683, 1.0])
    out = distance_km(52.3676, 4.9041, lats, lons)
    assert out[0] == 0
    assert out[1] == pytest.approx(distance_km(52.3676, 4.9041, 55.6761, 12.5683))
    assert np.isnan(out[2])


def test_within_km_keeps_order_and_type():
    rotterdam = Location(51.92, 4.48, "city", "gazetteer", name="Rotterdam")
    copenhagen = Location(55.68, 12.57, "city", "gazetteer", name="Copenhagen")
    utrecht = (52.09, 5.12)
    center = Location(*AMSTERDAM, "city", "user")
    assert within_km([rotterdam, copenhagen, utrecht], center, 100) == [rotterdam, utrecht]
    assert within_km([copenhagen], center, 700) == [copenhagen]
    assert within_km([], center, 10) == []
    with pytest.raises(ValueError, match="non-negative"):
        within_km([rotterdam], center, -1)


def test_batch_locate_dedupes_and_keeps_rows():
    rows = pd.DataFrame(
        {
            "city": ["LEUVEN", "Leuven", "Xyzzyville", "Leuven", "Paris", None, "Wake"],
            "country": ["BE", "BE", "NL", "??", "FR", "UK", "UM"],
            "geolocation": ["", None, "", "", "48.8,2.3", "", ""],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    out = batch_locate(rows)
    assert list(out.index) == [10, 11, 12, 13, 14, 15, 16]
    assert list(out["precision"]) == ["city", "city", "country", None, "exact", "country", None]
    assert list(out["source"])[:6] == [
        "gazetteer",
        "gazetteer",
        "centroid",
        None,
        "data",
        "centroid",
    ]
    assert "no coordinates known" in out.loc[16, "message"]
    assert out.loc[10, "location_name"] == "Leuven"
    assert math.isnan(out.loc[13, "lat"])
    assert "unknown country code" in out.loc[13, "message"]
    assert (out.loc[14, "lat"], out.loc[14, "lon"]) == (48.8, 2.3)
    assert out["lat"].dtype == float


def test_batch_locate_accepts_records_and_calls_once_per_place():
    calls: list[tuple] = []

    class CountingGeocoder(Geocoder):
        def locate(self, **kwargs):
            calls.append((kwargs["city"], kwargs["country"]))
            return super().locate(**kwargs)

    records = [{"city": "Leuven", "country": "BE"}] * 50 + [{"city": "Gent", "country": "BE"}]
    out = batch_locate(records, geocoder=CountingGeocoder())
    assert len(out) == 51
    assert sorted(calls) == [("Gent", "BE"), ("Leuven", "BE")]


def test_geocode_cli_returns_a_plain_dict():
    result = geocode_cli("KOBENHAVN", "DK")
    assert set(result) == {"query", "lat", "lon", "precision", "source", "name", "message"}
    assert (result["lat"], result["lon"]) == pytest.approx(COPENHAGEN, abs=0.2)
    assert result["query"] == "KOBENHAVN, DK"
    assert geocode_cli("Xyzzyville", "DK")["precision"] == "country"


def test_real_cordis_organisations_are_mostly_located():
    path = shared_file("cordis_h2020_layout/organization.csv")
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, nrows=3000)
    with_city = frame[frame["city"].str.strip() != ""]
    out = batch_locate(with_city)
    share = out["precision"].isin(["exact", "postcode", "city"]).mean()
    assert share > 0.9
