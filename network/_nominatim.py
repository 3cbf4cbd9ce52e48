"""Nominatim client: geopy's Nominatim behind a rate limiter, errors as messages.

Private part of :mod:`network.geocoder`, whose :class:`~network.geocoder.Geocoder`
asks :class:`NominatimClient` only when online geocoding is enabled.

Requests follow the Nominatim usage policy: an identifying user agent, at most
one request per second (geopy's ``RateLimiter``, with an injectable clock and
sleep for tests) and no automatic retries. Failures never raise: they come back
as a message for the user (timed out, rate limited, unavailable, no match).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from ._gazetteer import Location

__all__ = ["NominatimClient", "query_text"]


def _rate_limiter(
    func: Callable[..., Any],
    *,
    min_delay_seconds: float,
    clock: Callable[[], float] | None,
    sleep: Callable[[float], None] | None,
) -> Callable[..., Any]:
    """Wrap ``func`` in geopy's RateLimiter with injectable clock/sleep and no retries."""
    from geopy.extra.rate_limiter import RateLimiter

    class _Limiter(RateLimiter):
        # geopy reads the time through ``_clock`` and waits through ``_sleep``;
        # overriding them lets tests use a fake clock without really sleeping.
        def _clock(self) -> float:
            return clock() if clock is not None else super()._clock()

        def _sleep(self, seconds: float) -> None:
            if sleep is not None:
                sleep(seconds)
            else:
                super()._sleep(seconds)

    # No retries and no swallowing: errors reach the caller with their text.
    return _Limiter(
        func,
        min_delay_seconds=min_delay_seconds,
        max_retries=0,
        error_wait_seconds=min_delay_seconds,
        swallow_exceptions=False,
    )


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> Any:
    """Return a geopy HTTP adapter that never retries.

    geopy's requests adapter retries twice by default, which would bypass the rate
    limiter and report a timeout as "unavailable".
    """
    from geopy.adapters import RequestsAdapter, URLLibAdapter

    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


_EXACT_TYPES = frozenset({"house", "building", "amenity", "office", "shop", "university"})
_COARSE_TYPES = frozenset({"country", "state", "region", "province", "county"})


def _nominatim_precision(raw: Mapping[str, Any]) -> str:
    kinds = {str(raw.get(k, "")).lower() for k in ("addresstype", "type", "class")}
    if "postcode" in kinds:
        return "postcode"
    if kinds & _COARSE_TYPES:
        return "country"
    if kinds & _EXACT_TYPES:
        return "exact"
    return "city"


def _describe_error(error: BaseException) -> str:
    from geopy import exc

    text = str(error) or type(error).__name__
    if isinstance(error, exc.GeocoderTimedOut) or "timed out" in text.lower():
        return f"online geocoder timed out ({text})"
    if isinstance(error, exc.GeocoderRateLimited):
        return f"online geocoder refused the request: rate limited, HTTP 429 ({text})"
    if isinstance(error, exc.GeocoderUnavailable):
        return f"online geocoder unavailable ({text})"
    return f"online geocoder failed ({type(error).__name__}: {text})"


class NominatimClient:
    """Ask the Nominatim service for places, one request per ``min_delay_seconds``.

    The geopy geocoder is built on the first request.

    Parameters
    ----------
    user_agent, domain, scheme, timeout, min_delay_seconds, clock, sleep
        As ``user_agent``, ``nominatim_domain``, ``nominatim_scheme``,
        ``timeout``, ``min_delay_seconds``, ``clock`` and ``sleep`` of
        :class:`network.geocoder.Geocoder`, which documents them.

    Raises
    ------
    ValueError
        When ``min_delay_seconds`` is below 1 or ``user_agent`` is blank.

    Examples
    --------
    >>> NominatimClient(user_agent="example/1.0").search(None, "NL", None)
    (None, None)
    >>> NominatimClient(user_agent="example/1.0", min_delay_seconds=0.5)
    Traceback (most recent call last):
    ...
    ValueError: min_delay_seconds must be at least 1 (Nominatim usage policy), got 0.5
    """

    def __init__(
        self,
        *,
        user_agent: str,
        domain: str | None = None,
        scheme: str = "https",
        timeout: float = 5,
        min_delay_seconds: float = 1.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if min_delay_seconds < 1.0:
            msg = (
                "min_delay_seconds must be at least 1 (Nominatim usage policy), "
                f"got {min_delay_seconds!r}"
            )
            raise ValueError(msg)
        if not user_agent or not user_agent.strip():
            msg = f"user_agent must identify the application, got {user_agent!r}"
            raise ValueError(msg)
        self.user_agent = user_agent
        self.domain = domain
        self.scheme = scheme
        self.timeout = timeout
        self.min_delay_seconds = min_delay_seconds
        self._clock = clock
        self._sleep = sleep
        self._geocode: Callable[..., Any] | None = None
        self._lock = threading.Lock()

    def _online_geocode(self) -> Callable[..., Any]:
        with self._lock:
            if self._geocode is None:
                from geopy.geocoders import Nominatim

                options: dict[str, Any] = {
                    "user_agent": self.user_agent,
                    "timeout": self.timeout,
                    "scheme": self.scheme,
                }
                if self.domain is not None:
                    options["domain"] = self.domain
                service = Nominatim(adapter_factory=_adapter_without_retries, **options)
                self._geocode = _rate_limiter(
                    service.geocode,
                    min_delay_seconds=self.min_delay_seconds,
                    clock=self._clock,
                    sleep=self._sleep,
                )
        return self._geocode

    def search(
        self, city: str | None, iso: str, postcode: str | None
    ) -> tuple[Location | None, str | None]:
        """Look a place up; never raises.

        Parameters
        ----------
        city, postcode : str or None
            The place; with neither, nothing is asked.
        iso : str
            ISO 3166-1 alpha-2 country code restricting the search.

        Returns
        -------
        tuple
            ``(location, None)`` on success, ``(None, reason)`` on a failure or a
            miss, ``(None, None)`` when there was nothing to ask.
        """
        query: dict[str, str] = {}
        if city:
            query["city"] = city
        if postcode:
            query["postalcode"] = str(postcode).strip()
        if not query:
            return None, None
        try:
            result = self._online_geocode()(query, exactly_one=True, country_codes=iso.lower())
        except Exception as error:  # geopy errors, OSError, bad JSON: never crash
            return None, _describe_error(error)
        if result is None:
            return None, f"online geocoder found no match for {query_text(city, iso, postcode)!r}"
        raw = getattr(result, "raw", {}) or {}
        try:
            location = Location(
                lat=float(result.latitude),
                lon=float(result.longitude),
                precision=_nominatim_precision(raw),
                source="nominatim",
                name=str(raw.get("display_name") or result.address or "") or None,
            )
        except (TypeError, ValueError) as error:
            return None, f"online geocoder returned unusable coordinates ({error})"
        return location, None


def query_text(city: str | None, country: str, postcode: str | None = None) -> str:
    """The query as one line of text, for messages.

    Examples
    --------
    >>> query_text("Leuven", "BE", "3000")
    '3000, Leuven, BE'
    """
    return ", ".join(p for p in (postcode, city, country) if p)
