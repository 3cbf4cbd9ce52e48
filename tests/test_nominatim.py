"""Online geocoding against a local fake Nominatim server (never the internet)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from network.geocoder import Geocoder, Location, cache_key

# One hit in Nominatim's /search?format=json shape (lat/lon are strings).
PLACE = {
    "place_id": 76543210,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "node",
    "osm_id": 2698765432,
    "lat": "52.2345678",
    "lon": "5.1234567",
    "class": "place",
    "type": "village",
    "place_rank": 19,
    "importance": 0.35012,
    "addresstype": "village",
    "name": "Xyzzyville",
    "display_name": "Xyzzyville, Utrecht, Nederland",
    "boundingbox": ["52.2145678", "52.2545678", "5.1034567", "5.1434567"],
}
POSTCODE = {
    **PLACE,
    "lat": "50.8775",
    "lon": "4.7044",
    "class": "place",
    "type": "postcode",
    "addresstype": "postcode",
    "name": "3000",
    "display_name": "3000, Leuven, Vlaams-Brabant, België / Belgique / Belgien",
}


class FakeNominatim(ThreadingHTTPServer):
    """Answers /search like Nominatim; ``mode`` picks the answer; records requests."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.answer: list[dict] = [PLACE]
        self.requests: list[dict] = []
        self.release = threading.Event()

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeNominatim

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.server.requests.append(
            {
                "path": url.path,
                "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                "user_agent": self.headers.get("User-Agent"),
            }
        )
        mode = self.server.mode
        if mode == "slow":
            self.server.release.wait(5)  # longer than the client's timeout
        if mode in ("429", "500"):
            body = json.dumps({"error": f"fake error {mode}"}).encode()
            self._send(int(mode), body)
            return
        answer = [] if mode == "empty" else self.server.answer
        self._send(200, json.dumps(answer).encode())

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout test)
            pass


@pytest.fixture
def server():
    srv = FakeNominatim()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, Location] = {}

    def get(self, key: str) -> Location | None:
        return self.data.get(key)

    def put(self, key: str, location: Location) -> None:
        self.data[key] = location


class FakeClock:
    """Time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_geocoder(server: FakeNominatim, **options) -> Geocoder:
    clock = options.pop("clock", None) or FakeClock()
    defaults = {
        "online": True,
        "nominatim_domain": server.domain,
        "nominatim_scheme": "http",
        "timeout": 2,
        "clock": clock,
        "sleep": clock.sleep,
    }
    return Geocoder(**{**defaults, **options})


def test_success_is_used_and_cached(server):
    cache = DictCache()
    geocoder = make_geocoder(server, cache=cache)
    loc = geocoder.locate(city="Xyzzyville", country="NL")
    assert (loc.lat, loc.lon) == pytest.approx((52.2345678, 5.1234567))
    assert (loc.precision, loc.source) == ("city", "nominatim")
    assert loc.name == "Xyzzyville, Utrecht, Nederland"
    assert cache.data[cache_key("Xyzzyville", "NL")] == loc
    (request,) = server.requests
    assert request["path"] == "/search"
    assert request["query"]["city"] == "Xyzzyville"
    assert request["query"]["countrycodes"] == "nl"
    assert request["query"]["format"] == "json"
    assert request["user_agent"] == "north-sea-partner-explorer/0.1"

    again = geocoder.locate(city="XYZZYVILLE", country="NL")
    assert again == loc
    assert len(server.requests) == 1  # served from the cache


def test_known_city_stays_offline(server):
    loc = make_geocoder(server).locate(city="Leuven", country="BE")
    assert loc.source == "gazetteer"
    assert server.requests == []


def test_online_is_off_by_default(server):
    geocoder = make_geocoder(server, online=False)
    loc = geocoder.locate(city="Xyzzyville", country="NL")
    assert loc.source == "centroid"
    assert server.requests == []
    assert geocoder.locate(city="Xyzzyville", country="NL", online=True).source == "nominatim"


def test_postcode_result_beats_gazetteer_city(server):
    server.answer = [POSTCODE]
    loc = make_geocoder(server).locate(city="Leuven", country="BE", postcode="3000")
    assert (loc.precision, loc.source) == ("postcode", "nominatim")
    assert (loc.lat, loc.lon) == pytest.approx((50.8775, 4.7044))
    assert server.requests[0]["query"]["postalcode"] == "3000"


def test_timeout_falls_back_with_message(server):
    server.mode = "slow"
    geocoder = make_geocoder(server, timeout=0.3)
    start = time.perf_counter()
    loc = geocoder.locate(city="Xyzzyville", country="NL")
    assert time.perf_counter() - start < 3
    assert (loc.precision, loc.source) == ("country", "centroid")
    assert "timed out" in loc.message
    assert "Xyzzyville" in loc.message
    assert len(server.requests) == 1  # no retries

    city = geocoder.locate(city="Leuven", country="BE", postcode="3000")
    assert (city.precision, city.source, city.name) == ("city", "gazetteer", "Leuven")
    assert "timed out" in city.message
    assert "used city from gazetteer" in city.message


@pytest.mark.parametrize(("mode", "words"), [("429", "429"), ("500", "500")])
def test_http_errors_fall_back_with_message(server, mode, words):
    server.mode = mode
    cache = DictCache()
    loc = make_geocoder(server, cache=cache).locate(city="Xyzzyville", country="NL")
    assert (loc.precision, loc.source) == ("country", "centroid")
    assert words in loc.message
    assert len(server.requests) == 1  # no retries
    assert cache.data == {}  # failures are not cached


def test_rate_limited_message_is_clear(server):
    server.mode = "429"
    loc = make_geocoder(server).locate(city="Xyzzyville", country="NL")
    assert "rate limited" in loc.message


def test_empty_result_falls_back(server):
    server.mode = "empty"
    loc = make_geocoder(server).locate(city="Xyzzyville", country="NL")
    assert (loc.precision, loc.source) == ("country", "centroid")
    assert "no match" in loc.message


def test_connection_refused_falls_back():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    geocoder = Geocoder(
        online=True, nominatim_domain=f"127.0.0.1:{port}", nominatim_scheme="http", timeout=1
    )
    loc = geocoder.locate(city="Xyzzyville", country="NL")
    assert (loc.precision, loc.source) == ("country", "centroid")
    assert loc.message.startswith("online geocoder unavailable (")
    assert "Connection refused" in loc.message


def test_rate_limit_waits_one_second_between_requests(server):
    clock = FakeClock()
    geocoder = make_geocoder(server, clock=clock)
    start = time.perf_counter()
    geocoder.locate(city="Xyzzyville", country="NL")
    assert clock.sleeps == []
    geocoder.locate(city="Plughton", country="NL")
    assert clock.sleeps == [pytest.approx(1.0)]
    clock.now += 5  # a later request needs no wait
    geocoder.locate(city="Quuxford", country="NL")
    assert clock.sleeps == [pytest.approx(1.0)]
    assert len(server.requests) == 3
    assert time.perf_counter() - start < 1.0  # nobody really slept


def test_nominatim_policy_is_enforced():
    with pytest.raises(ValueError, match="at least 1"):
        Geocoder(min_delay_seconds=0.5)
    with pytest.raises(ValueError, match="user_agent"):
        Geocoder(user_agent=" ")
