"""Suggest for the consortium being built: from a call and the members so far.

:func:`suggest_for_call` ranks every organisation of a
:class:`~network.suggest.SuggestIndex` for a draft consortium (one or more seed
members: the lead and any members so far, or a new profile) and a call
(:class:`Call`: a programme of ``consortium_rules.json``, a theme and optional
country or type needs).  The score is a weighted sum of :data:`FEATURES`:

``net_sum``, ``net_max``
    sum and maximum over the seeds of the network part of
    :mod:`network.suggest` (``log1p`` of the time-decayed weighted Adamic-Adar);
``reach``
    number of seeds the candidate worked with or shares a partner with;
``repeat``
    sum over the seeds of ``log1p`` of the time-decayed joint projects
    (repeat-partner strength);
``repeat_topic``
    the same, counting only joint projects in the call's topics;
``repeat_small``
    sum over the seeds of the joint projects, each time-decayed and divided by
    its number of other participants (a tie in a small project counts more);
``led_before``
    ``log1p`` of the time-decayed projects a seed led (coordinated) with the
    candidate among the partners;
``repeat_recent``
    ``log1p`` of the joint projects with the seeds, decayed with a one-year
    half-life (last year's partners count most);
``topic``
    ``log1p`` of the candidate's time-decayed projects in the call's topics
    (programme parts or themes);
``type_share``
    share of the candidate's organisation type among the participations in
    the call's topics;
``theme``
    cosine of the call's term profile (topics and free-text words) and the
    candidate's;
``needs``
    1 when the candidate's country is one the programme rules still need (or
    the user asked for), plus 1 when its type is one the user asked for;
``geography``
    mean over the seeds of the geography part of :mod:`network.suggest`;
``activity``
    ``log1p`` of the candidate's time-decayed number of projects.

The weights (:data:`DEFAULT_CALL_WEIGHTS`) were fitted on earlier years only by
:func:`network.evaluate_consortium.evaluate_consortium`.  The reasons in words
are built from the features that scored each candidate, so they are true for
it.  Seeds and the organisations linked to them by a rename or successor
relation (``exclude``) are never proposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from network.consortium import _load_json, check, programmes
from network.errors import NotFoundError
from network.geocoder import distance_km, lookup_city
from network.model import CORDIS_COUNTRIES, country_name
from network.suggest import (
    _GEO_SCALE_KM,
    _NETWORK_EPS,
    SuggestIndex,
    _best,
    _plural,
    _ranked,
    _split_terms,
    _title_words,
)

__all__ = [
    "DEFAULT_CALL_WEIGHTS",
    "FEATURES",
    "GROUPS",
    "PRIORITIES_PATH",
    "Call",
    "Query",
    "call_features",
    "load_priorities",
    "make_query",
    "objectives",
    "parse_call",
    "suggest_for_call",
]

#: Output columns: each group's contribution is the sum of its features' ``weight * value``.
GROUPS: dict[str, tuple[str, ...]] = {
    "network": (
        "net_sum",
        "net_max",
        "reach",
        "repeat",
        "repeat_topic",
        "repeat_small",
        "led_before",
        "repeat_recent",
    ),
    "theme": ("topic", "type_share", "theme"),
    "needs": ("needs",),
    "geography": ("geography",),
    "activity": ("activity",),
}
#: The features, group by group (the rows of :func:`call_features`).
FEATURES: tuple[str, ...] = tuple(f for members in GROUPS.values() for f in members)
# Fitted by network.evaluate_consortium on the Horizon 2020 file for cut-off 2019 (features
# from projects before 2018, tasks = consortia starting in 2018; network/consortium_h2020.json,
# "weights"). Only their ratios matter.
DEFAULT_CALL_WEIGHTS: dict[str, float] = {
    "net_sum": 0.05,
    "net_max": 0.0,
    "reach": 0.75,
    "repeat": 5.0,
    "repeat_topic": 10.0,
    "repeat_small": 1.0,
    "led_before": 5.0,
    "repeat_recent": 0.0,
    "topic": 1.0,
    "type_share": 2.0,
    "theme": 0.75,
    "needs": 0.2,
    "geography": 0.5,
    "activity": 0.1,
}
PRIORITIES_PATH = Path(__file__).with_name("interreg_north_sea_priorities.json")
_WORD = re.compile(r"[a-z0-9][a-z0-9&\-]*")


def load_priorities(path: str | Path | None = None) -> dict[str, Any]:
    """The Interreg North Sea 2021-2027 priorities document (with its source URL).

    Examples
    --------
    >>> doc = load_priorities()
    >>> len(doc["priorities"]), doc["source"]
    (4, 'https://interreg.eu/programme/interreg-north-sea/')
    """
    return _load_json(str(PRIORITIES_PATH if path is None else path))


def objectives(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Priority and specific objective id -> ``{"name", "themes", "keywords"}``.

    A priority id (``"2"``) carries the union of its objectives' themes and keywords.

    Examples
    --------
    >>> objectives()["2.2"]["name"]
    'Promoting renewable energy'
    >>> "circular economy" in objectives()["2"]["themes"]
    True
    """
    out: dict[str, dict[str, Any]] = {}
    for prio in load_priorities(path)["priorities"]:
        themes: list[str] = []
        words: list[str] = []
        for obj in prio["objectives"]:
            out[obj["id"]] = {k: obj[k] for k in ("name", "themes", "keywords")}
            themes += [t for t in obj["themes"] if t not in themes]
            words += [w for w in obj["keywords"] if w not in words]
        out[prio["id"]] = {"name": prio["name"], "themes": themes, "keywords": words}
    return out


@dataclass(frozen=True)
class Call:
    """The call a consortium is built for.

    Attributes
    ----------
    programme : str or None
        Key of :func:`network.consortium.programmes` (its rules give the needs).
    topics : tuple of str
        Programme parts or themes (matched case-insensitively to the index's topics).
    text : str
        Free text (words matched to the candidates' term profiles).
    label : str
        The theme in words, for the reasons.
    countries, types : tuple of str
        Countries (ISO alpha-2) and organisation types the user still needs.
    """

    programme: str | None = None
    topics: tuple[str, ...] = ()
    text: str = ""
    label: str = ""
    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = field(default=())


def _programme_key(name: str) -> str:
    keys = list(programmes())
    if name in keys:
        return name
    low = name.lower().replace("-", "_").replace(" ", "_")
    found = [k for k in keys if k.startswith(low) or low in k]
    if len(found) == 1:
        return found[0]
    msg = f"unknown programme {name!r}; known: {keys}"
    raise NotFoundError(msg)


def parse_call(
    spec: str | None,
    *,
    countries: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> Call:
    """A :class:`Call` from ``PROGRAMME[:THEME]``.

    ``PROGRAMME`` is a key of :func:`network.consortium.programmes` or an
    unambiguous part of one (``interreg_north_sea``).  ``THEME`` is an Interreg
    North Sea priority or specific objective id (``2`` or ``2.2``), programme
    parts or themes separated by ``,`` or ``;`` (``SC3``), or free text.

    Examples
    --------
    >>> call = parse_call("interreg_north_sea:2.2")
    >>> call.programme, call.topics, call.label
    ('interreg_north_sea_2021_2027', ('renewable energy', 'offshore wind', 'hydrogen'), \
'2.2 Promoting renewable energy')
    >>> parse_call("horizon_2020:SC3").topics
    ('sc3',)
    """
    countries = tuple(CORDIS_COUNTRIES.get(c.upper(), c.upper()) for c in countries or ())
    types = tuple(types or ())
    if not spec:
        return Call(countries=countries, types=types)
    prog, _, theme = spec.partition(":")
    programme = _programme_key(prog.strip()) if prog.strip() else None
    theme = theme.strip()
    if not theme:
        return Call(programme, countries=countries, types=types)
    objs = objectives()
    if theme in objs and (programme is None or programme.startswith("interreg_north_sea")):
        obj = objs[theme]
        return Call(
            programme,
            tuple(obj["themes"]),
            " ".join(obj["keywords"]),
            f"{theme} {obj['name']}",
            countries,
            types,
        )
    items = [t.strip().lower() for t in re.split(r"[;,]", theme) if t.strip()]
    short = all(len(t.split()) <= 3 for t in items)
    if short:
        return Call(programme, tuple(items), "", theme, countries, types)
    return Call(programme, (), theme, theme, countries, types)


@dataclass
class Query:
    """One consortium to complete, resolved against an index (see :func:`make_query`)."""

    seeds: np.ndarray
    topic_cols: np.ndarray
    term_vec: sp.csr_matrix | None
    need_country: np.ndarray | None
    need_type: np.ndarray | None
    lat: np.ndarray
    lon: np.ndarray
    country: list[str]
    needed_countries: list[str] = field(default_factory=list)
    rule_countries: list[str] = field(default_factory=list)
    seed_ids: list[str] = field(default_factory=list)


def _topic_cols(index: SuggestIndex, call: Call) -> np.ndarray:
    cols = [index.topic_index[t.lower()] for t in call.topics if t.lower() in index.topic_index]
    text = call.text.lower()
    if text:
        cols += [c for t, c in index.topic_index.items() if len(t) > 3 and t in text]
    return np.unique(np.asarray(cols, dtype=np.int64))


def _term_vector(index: SuggestIndex, call: Call) -> sp.csr_matrix | None:
    terms = [t.lower() for t in call.topics]
    terms += _title_words(call.text) + [t for t in _WORD.findall(call.text.lower())]
    cols = [index.term_index[t] for t in terms if t in index.term_index]
    if not cols:
        return None
    vec = np.zeros(len(index.term_labels))
    np.add.at(vec, cols, 1.0)
    vec = np.minimum(vec, 1.0) * index.idf
    vec /= np.linalg.norm(vec)
    return sp.csr_matrix(vec[None, :])


def _rule_needs(
    index: SuggestIndex, seed_ids: Sequence[str], programme: str | None, countries: Sequence[str]
) -> tuple[np.ndarray | None, list[str]]:
    """Mask of candidates whose country a missing country rule would count."""
    if not programme:
        return None, []
    result = check(list(dict.fromkeys(seed_ids)), index, programme)
    covered = set(result.countries) | {c for c in countries if c}
    needed: set[str] = set()
    everything = False
    for rule in result.missing_rules:
        allowed = rule["allowed"]
        if rule["kind"] == "min_countries":
            if allowed is None:
                everything = True
            else:
                needed |= set(allowed) - covered
        elif rule["kind"] == "min_partners_in":
            needed |= set(allowed or ())
    if everything:
        mask = ~_country_mask(index, covered) & (index.country_code >= 0)
        return mask, ["any country not yet in the consortium"]
    if not needed:
        return None, []
    return _country_mask(index, needed), sorted(needed)


def make_query(
    index: SuggestIndex,
    seeds: Sequence[str],
    call: Call | None = None,
    *,
    profile: Mapping[str, Any] | None = None,
) -> Query:
    """Resolve seeds and a call against ``index``.

    Parameters
    ----------
    index : SuggestIndex
    seeds : sequence of str
        Organisation ids of the members so far (lead first); ids not in the
        index count for the rules only when ``profile`` gives their country.
    call : Call, optional
    profile : mapping, optional
        A new organisation as extra seed without projects: ``country``,
        ``lat``/``lon`` or ``city``, ``type``, ``sectors`` and ``themes``.

    Returns
    -------
    Query

    Examples
    --------
    >>> from network.suggest import build_index
    >>> parts = pd.DataFrame({"org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"],
    ...                       "start_date": ["2020-01-01"] * 4})
    >>> make_query(build_index(parts), ["a", "b"]).seeds.tolist()
    [0, 1]
    """
    call = call or Call()
    seeds = [str(s) for s in dict.fromkeys(seeds)]
    known = [s for s in seeds if s in index.org_index]
    rows = np.array([index.org_index[s] for s in known], dtype=np.int64)
    lat = index.lat[rows].astype(float)
    lon = index.lon[rows].astype(float)
    country = [str(c) for c in index.country[rows]]
    extra_country = ""
    if profile is not None:
        extra_country = str(profile.get("country") or "").upper()
        extra_country = CORDIS_COUNTRIES.get(extra_country, extra_country)
        plat, plon = profile.get("lat"), profile.get("lon")
        plat = float(plat) if plat is not None else np.nan
        plon = float(plon) if plon is not None else np.nan
        if not (np.isfinite(plat) and np.isfinite(plon)) and profile.get("city"):
            found = lookup_city(str(profile["city"]), extra_country or None)
            if found is not None:
                plat, plon = found.lat, found.lon
        lat, lon = np.append(lat, plat), np.append(lon, plon)
        country.append(extra_country)
    need_country, rule_countries = _rule_needs(index, known, call.programme, [extra_country])
    asked = [c for c in call.countries if c not in set(country)]
    if asked:
        mask = _country_mask(index, asked)
        need_country = mask if need_country is None else (need_country | mask)
    need_type = np.isin(index.type, list(call.types)) if call.types else None
    term_vec = _term_vector(index, call)
    if profile is not None:
        words = _split_terms(profile.get("sectors")) + _split_terms(profile.get("themes"))
        if words and term_vec is None:
            term_vec = _term_vector(index, Call(topics=tuple(words)))
    return Query(
        seeds=rows,
        topic_cols=_topic_cols(index, call),
        term_vec=term_vec,
        need_country=need_country,
        need_type=need_type,
        lat=lat,
        lon=lon,
        country=country,
        needed_countries=asked,
        rule_countries=rule_countries,
        seed_ids=known,
    )


def _seed_network(index: SuggestIndex, rows: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Network part (``log1p(waa / eps)``) and ``log1p`` joint strength of seed rows (sparse)."""
    D = sp.diags(index.aa_weight)
    waa = (0.5 * ((index.W[rows] @ D @ index.A) + (index.A[rows] @ D @ index.WT))).tocsr()
    waa.data = np.log1p(waa.data / _NETWORK_EPS)
    rep = index.W[rows].tocsr().copy()
    rep.data = np.log1p(rep.data)
    return waa, rep


def _joint_features(
    index: SuggestIndex,
    qq: Query,
    X: np.ndarray,
    f: dict[str, int],
    j: int,
    cache: dict[bytes, np.ndarray],
) -> None:
    """``repeat_topic``, ``repeat_small`` and ``led_before`` of query ``j`` (in place)."""
    seeds = qq.seeds
    pw = index.project_weight
    if "small" not in cache:
        cache["small"] = pw / np.maximum(index.project_size - 1.0, 1.0)
    key = qq.topic_cols.tobytes()
    if key not in cache:
        m = np.zeros(index.B.shape[1])
        if len(qq.topic_cols):
            m = np.asarray(index.project_topics[:, qq.topic_cols].sum(axis=1)).ravel() > 0
        cache[key] = pw * m
    B = index.B
    on = np.zeros(B.shape[1])
    for s in seeds:
        on[B.indices[B.indptr[s] : B.indptr[s + 1]]] += 1.0
    X[f["repeat_topic"], j] = np.log1p(B @ (on * cache[key]))
    X[f["repeat_small"], j] = B @ (on * cache["small"])
    if "recent" not in cache:
        age = np.nan_to_num(index.reference_year - index.project_year, nan=3.0)
        cache["recent"] = 0.5 ** np.maximum(age, 0.0)
    X[f["repeat_recent"], j] = np.log1p(B @ (on * cache["recent"]))
    if len(qq.topic_cols):
        tcode = index.type_code
        inpart = B @ (cache[key] > 0).astype(float)
        counts = np.bincount(tcode[tcode >= 0], weights=inpart[tcode >= 0])
        if counts.sum() > 0:
            share = np.append(counts / counts.sum(), 0.0)
            X[f["type_share"], j] = share[np.where(tcode >= 0, tcode, len(share) - 1)]
    L = index.lead_B
    if L.shape == B.shape and L.nnz:
        led = np.zeros(B.shape[1])
        for s in seeds:
            led[L.indices[L.indptr[s] : L.indptr[s + 1]]] += 1.0
        X[f["led_before"], j] = np.log1p(B @ (led * pw))


def _country_mask(index: SuggestIndex, countries: Iterable[str]) -> np.ndarray:
    codes = index.country_codes
    wanted = [codes[c] for c in countries if c in codes]
    lookup = np.zeros(int(index.country_code.max(initial=-1)) + 2, dtype=bool)
    lookup[np.asarray(wanted, dtype=np.int64)] = True
    return lookup[index.country_code]  # code -1 maps to the last slot: False


def _topic_activity(index: SuggestIndex, cols: np.ndarray) -> np.ndarray:
    if len(cols) == 0:
        return np.zeros(index.n)
    T = index.topics_T
    vals = T[cols].sum(axis=0)
    return np.log1p(np.asarray(vals, dtype=float).ravel())


def call_features(index: SuggestIndex, queries: Sequence[Query]) -> np.ndarray:
    """Feature values of every organisation for each query.

    Parameters
    ----------
    index : SuggestIndex
    queries : sequence of Query

    Returns
    -------
    numpy.ndarray
        ``(len(FEATURES), len(queries), n)`` float32, in :data:`FEATURES` order.

    Examples
    --------
    >>> from network.suggest import build_index
    >>> parts = pd.DataFrame({"org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"],
    ...                       "start_date": ["2020-01-01"] * 4})
    >>> idx = build_index(parts)
    >>> X = call_features(idx, [make_query(idx, ["a"])])
    >>> dict(zip(FEATURES, X[:, 0, 2].round(3).tolist()))["reach"]  # c through b
    1.0
    """
    n, q = index.n, len(queries)
    X = np.zeros((len(FEATURES), q, n), dtype=np.float32)
    f = {name: i for i, name in enumerate(FEATURES)}
    allseeds = np.unique(np.concatenate([qq.seeds for qq in queries] + [np.zeros(0, np.int64)]))
    if len(allseeds):
        net, rep = _seed_network(index, allseeds)
        where = {int(s): i for i, s in enumerate(allseeds)}
        net_d, rep_d = net.toarray(), rep.toarray()
        reach_d = (net_d > 0) | (index.A[allseeds].toarray() > 0)
    activity = np.log1p(index.activity)
    has_geo = np.isfinite(index.lat) & np.isfinite(index.lon)
    code = index.country_code
    codes = index.country_codes
    intopic_cache: dict[bytes, np.ndarray] = {}
    for j, qq in enumerate(queries):
        if len(qq.seeds):
            sel = [where[int(s)] for s in qq.seeds]
            X[f["net_sum"], j] = net_d[sel].sum(axis=0)
            X[f["net_max"], j] = net_d[sel].max(axis=0)
            X[f["reach"], j] = reach_d[sel].sum(axis=0)
            X[f["repeat"], j] = rep_d[sel].sum(axis=0)
            _joint_features(index, qq, X, f, j, intopic_cache)
        X[f["topic"], j] = _topic_activity(index, qq.topic_cols)
        if qq.term_vec is not None:
            X[f["theme"], j] = np.asarray(qq.term_vec @ index.terms_T).ravel()
        needs = np.zeros(n)
        if qq.need_country is not None:
            needs += qq.need_country
        if qq.need_type is not None:
            needs += qq.need_type
        X[f["needs"], j] = needs
        if len(qq.country):
            geo = np.zeros(n)
            for lat, lon, c in zip(qq.lat, qq.lon, qq.country, strict=True):
                g = (code == codes[c]).astype(float) if c in codes else np.zeros(n)
                if np.isfinite(lat) and np.isfinite(lon) and has_geo.any():
                    d = distance_km(lat, lon, index.lat[has_geo], index.lon[has_geo])
                    g[has_geo] = np.exp(-d / _GEO_SCALE_KM)
                geo += g
            X[f["geography"], j] = geo / len(qq.country)
        X[f["activity"], j] = activity
    return X


def _check_weights(weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        weights = DEFAULT_CALL_WEIGHTS
    unknown = set(weights) - set(FEATURES)
    if unknown:
        msg = f"unknown features in weights: {sorted(unknown)!r}; expected some of {FEATURES}"
        raise ValueError(msg)
    return np.array([float(weights.get(p, 0.0)) for p in FEATURES])


def suggest_for_call(
    index: SuggestIndex,
    seeds: Sequence[str] | str,
    call: Call | str | None = None,
    *,
    profile: Mapping[str, Any] | None = None,
    top: int = 10,
    weights: Mapping[str, float] | None = None,
    exclude: Iterable[str] | None = None,
    only_needed: bool = False,
) -> pd.DataFrame:
    """Rank candidates to complete a consortium for a call, with reasons.

    Parameters
    ----------
    index : SuggestIndex
        From :func:`network.suggest.build_index`.
    seeds : str or sequence of str
        The lead and the members so far (organisation ids).
    call : Call or str, optional
        A :class:`Call` or a ``PROGRAMME[:THEME]`` string (:func:`parse_call`).
    profile : mapping, optional
        A new organisation (without projects) as an extra seed.
    top : int
        Number of suggestions.
    weights : mapping, optional
        Feature -> weight; None = :data:`DEFAULT_CALL_WEIGHTS`; missing features 0.
    exclude : iterable of str, optional
        Ids never to propose, e.g. organisations linked to a seed by a rename or
        successor relation (:meth:`network.store.Workspace.related_ids`).
    only_needed : bool
        Keep only candidates that add a needed country or type.

    Returns
    -------
    pandas.DataFrame
        ``id, name, country, type, city, score``, one column per group of
        :data:`GROUPS` (contributions adding up to ``score``) and ``why``.

    Examples
    --------
    >>> from network.suggest import build_index
    >>> parts = pd.DataFrame({
    ...     "org": ["a", "b", "b", "c", "c", "d", "a", "e"],
    ...     "project": ["p", "p", "q", "q", "r", "r", "s", "s"],
    ...     "start_date": ["2020-01-01"] * 8,
    ...     "country": ["DK", "DE", "DE", "NO", "NO", "BE", "DK", "DK"]})
    >>> idx = build_index(parts)
    >>> out = suggest_for_call(idx, ["a", "b"], "interreg_north_sea", top=2)
    >>> out["id"].tolist()
    ['e', 'c']
    >>> out.set_index("id").loc["c", "why"]
    'Worked with 1 of your members (b); adds Norway, which the rules still need; 2 projects in all'
    """
    if isinstance(seeds, str):
        seeds = [seeds]
    if top < 1:
        msg = f"top must be at least 1, got {top!r}"
        raise ValueError(msg)
    if not seeds and profile is None:
        msg = f"give at least one seed or a profile, got seeds={seeds!r}"
        raise ValueError(msg)
    unknown = [s for s in seeds if str(s) not in index.org_index]
    if unknown and profile is None and len(unknown) == len(seeds):
        msg = f"no seed is in the network: {unknown!r}"
        raise NotFoundError(msg)
    if not isinstance(call, Call):
        call = parse_call(call)
    w = _check_weights(weights)
    query = make_query(index, seeds, call, profile=profile)
    X = call_features(index, [query])[:, 0, :].astype(float)
    score = w @ X
    keep = np.ones(index.n, dtype=bool)
    keep[query.seeds] = False
    if exclude is not None:
        rows = [index.org_index[x] for x in exclude if x in index.org_index]
        keep[rows] = False
    if only_needed:
        keep &= X[FEATURES.index("needs")] > 0
    sel = _best(index, score, np.flatnonzero(keep), top)
    out = _ranked(index, sel, score)
    contrib = w[:, None] * X[:, sel]
    for group, members in GROUPS.items():
        out[group] = sum(contrib[FEATURES.index(m)] for m in members)
    seen = _SeedView.of(index, query)
    out["why"] = [
        _explain(index, query, call, seen, int(v), contrib[:, i], X[:, v])
        for i, v in enumerate(sel)
    ]
    return out.reset_index(drop=True)


def _name(index: SuggestIndex, row: int) -> str:
    return str(index.name[row] or index.orgs[row])


@dataclass(frozen=True)
class _SeedView:
    """What every reason of one query looks up: the seeds' partners, the projects in its theme."""

    partners: np.ndarray  # bool per organisation: a partner of a seed, not a seed
    in_topic: np.ndarray  # bool per project: in one of the query's topics

    @classmethod
    def of(cls, index: SuggestIndex, query: Query) -> _SeedView:
        A, seeds = index.A, query.seeds
        partners = np.zeros(index.n, dtype=bool)
        for s in seeds:
            partners[A.indices[A.indptr[s] : A.indptr[s + 1]]] = True
        partners[seeds] = False
        in_topic = np.zeros(index.B.shape[1], dtype=bool)
        if len(query.topic_cols):
            topics = index.project_topics[:, query.topic_cols]
            in_topic = np.asarray(topics.sum(axis=1)).ravel() > 0
        return cls(partners, in_topic)


def _explain(
    index: SuggestIndex,
    query: Query,
    call: Call,
    seen: _SeedView,
    v: int,
    contrib: np.ndarray,
    values: np.ndarray,
) -> str:
    """Reasons in words from the features that scored candidate ``v`` (contribution > 0)."""
    c = dict(zip(FEATURES, contrib.tolist(), strict=True))
    bits: list[str] = []
    seeds = query.seeds
    A = index.A
    nv = A.indices[A.indptr[v] : A.indptr[v + 1]]
    if len(seeds) and (c["repeat"] > 0 or c["net_sum"] > 0 or c["reach"] > 0 or c["net_max"] > 0):
        worked = seeds[np.isin(seeds, nv)]  # a joint project = an edge of the graph
        if len(worked):
            names = ", ".join(_name(index, s) for s in worked[:3])
            more = ", …" if len(worked) > 3 else ""
            k = len(worked)
            bits.append(f"worked with {k} of your members ({names}{more})")
        shared = set(nv[seen.partners[nv]].tolist())
        if shared:
            arr = np.fromiter(shared, dtype=np.int64, count=len(shared))
            rows = arr[np.lexsort((arr, -index.aa_weight[arr]))][:2]
            names = ", ".join(_name(index, z) for z in rows)
            lead = f"shares {_plural(len(shared), 'partner')} with your members"
            bits.append(f"{lead}: {names}" if len(shared) <= 2 else f"{lead}, e.g. {names}")
    if c["topic"] > 0 and len(query.topic_cols):
        pv = index.B.indices[index.B.indptr[v] : index.B.indptr[v + 1]]
        intopic = seen.in_topic[pv]
        label = call.label or ", ".join(str(index.topic_labels[t]) for t in query.topic_cols)
        label = label.upper() if label.lower() in index.topic_index and len(label) <= 5 else label
        recent = int((intopic & (index.project_year[pv] >= index.since_year)).sum())
        if recent:
            bits.append(f"{_plural(recent, 'project')} in {label} since {index.since_year}")
        elif intopic.any():
            bits.append(f"{_plural(int(intopic.sum()), 'project')} in {label}")
    if c["type_share"] > 0 and index.type[v]:
        share = float(values[FEATURES.index("type_share")])
        bits.append(f"{index.type[v]}: {share:.0%} of the participations in this theme")
    if c["theme"] > 0 and query.term_vec is not None:
        shared_terms = query.term_vec.multiply(index.terms[v]).tocsr()
        if shared_terms.nnz:
            order = np.argsort(-shared_terms.data, kind="stable")[:3]
            words = ", ".join(str(index.term_labels[t]) for t in shared_terms.indices[order])
            bits.append(f"works on {words}")
    if c["needs"] > 0:
        cv = str(index.country[v])
        if query.need_country is not None and query.need_country[v] and cv:
            why = (
                "which you asked for"
                if cv in query.needed_countries
                else "which the rules still need"
            )
            bits.append(f"adds {country_name(cv)}, {why}")
        if query.need_type is not None and query.need_type[v]:
            bits.append(f"is a {index.type[v]}, which you asked for")
    if c["geography"] > 0:
        if len(query.lat) and np.isfinite(query.lat[0]) and np.isfinite(index.lat[v]):
            d = distance_km(query.lat[0], query.lon[0], index.lat[v : v + 1], index.lon[v : v + 1])
            bits.append(f"{d[0]:.0f} km from your lead")
        elif index.country[v] and index.country[v] in query.country:
            bits.append(f"in {country_name(str(index.country[v]))} like a member")
    if c["activity"] > 0:
        total = int(index.B.indptr[v + 1] - index.B.indptr[v])
        if total:
            bits.append(f"{_plural(total, 'project')} in all")
    if not bits:
        return ""
    text = "; ".join(bits)
    return text[0].upper() + text[1:]
