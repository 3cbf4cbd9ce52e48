"""Partner suggestions that explain themselves.

A suggestion score is a weighted sum of five parts, each computed for one
organisation (or a new profile) against every candidate at once:

``network``
    ``log1p(x / 0.1)`` of the weighted Adamic-Adar score ``x`` on the
    time-decayed collaboration graph: a shared partner ``z`` contributes
    ``(w_uz + w_zv) / 2 / log(1 + s_z)`` (Lu & Zhou 2010), where ``w`` sums the
    decay weights of shared projects (older projects count less) and ``s_z`` is
    the strength of ``z``.
``theme``
    cosine of TF-IDF term profiles (sectors, themes, programme parts and project
    title words; project terms decayed like the graph).
``geography``
    ``exp(-distance / 400 km)`` when both sides have coordinates, else 1 for
    the same country and 0 otherwise.
``activity``
    ``log1p`` of the candidate's time-decayed number of projects.
``label``
    ESCA cluster label of the candidate: gold 1, silver 2/3, bronze 1/3.

:func:`suggest` returns the best candidates with one column per part (the
part's contribution ``weight * value``, so the parts add up to ``score``) and a
``why`` sentence naming the shared partners, shared topics, distance, new
countries, recent projects and label.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from network.errors import DataError, NotFoundError
from network.geocoder import distance_km, lookup_city
from network.linkpred import build_incidence, collaboration_matrix, decay_weights
from network.model import CORDIS_COUNTRIES, country_name

__all__ = [
    "DEFAULT_HALF_LIFE",
    "DEFAULT_WEIGHTS",
    "PARTS",
    "SuggestIndex",
    "build_index",
    "index_frame",
    "part_scores",
    "suggest",
]

PARTS = ("network", "theme", "geography", "activity", "label")

# Chosen by the temporal backtest (network.evaluate on the Horizon 2020 file, cut-offs
# 2017-2019, window 3): per cut-off a coordinate search on the year before the cut-off
# (network weight fixed at 1) picked theme/geography/activity = 1.5/0.5/0.2 (2017),
# 1.5/0.25/0.05 (2018) and 1.5/0.1/0.1 (2019); these are their means.  Hits@10 of that
# ranking vs Adamic-Adar: 0.734 vs 0.715 (2017), 0.712 vs 0.698 (2018), 0.653 vs 0.654
# (2019); mean 0.700 vs 0.689 (x1.02).  The file has no cluster labels, so the label
# weight is not learned: it is set to a small tie-breaking value.
DEFAULT_WEIGHTS: dict[str, float] = {
    "network": 1.0,
    "theme": 1.5,
    "geography": 0.28,
    "activity": 0.12,
    "label": 0.1,
}
DEFAULT_HALF_LIFE = 3.0
_GEO_SCALE_KM = 400.0
_NETWORK_EPS = 0.1  # network part = log1p(raw / eps): small raw scores still count
_LABEL_SCORES = {"gold": 1.0, "silver": 2.0 / 3.0, "bronze": 1.0 / 3.0}
_STOPWORDS = frozenset(
    {
        "and",
        "the",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "new",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "towards",
        "toward",
        "through",
        "between",
        "based",
        "using",
        "use",
        "via",
        "of",
        "in",
        "on",
        "to",
        "by",
        "an",
        "as",
        "at",
        "or",
        "be",
        "are",
        "is",
        "was",
        "were",
        "will",
        "not",
        "non",
        "all",
        "any",
        "more",
        "most",
        "less",
        "high",
        "low",
        "next",
        "approach",
        "approaches",
        "european",
        "europe",
        "eu",
        "project",
        "projects",
        "development",
        "developing",
        "research",
        "innovation",
        "innovative",
        "study",
        "studies",
        "system",
        "systems",
    }
)
_WORD = re.compile(r"[a-z][a-z0-9\-]{2,}")


@dataclass
class SuggestIndex:
    """Everything :func:`suggest` needs, as arrays aligned on organisations.

    Build it with :func:`build_index`; all arrays have one entry per
    organisation in ``orgs`` order.
    """

    orgs: np.ndarray
    org_index: dict[str, int] = field(repr=False)
    name: np.ndarray = field(repr=False)
    country: np.ndarray = field(repr=False)
    country_code: np.ndarray = field(repr=False)
    type: np.ndarray = field(repr=False)
    city: np.ndarray = field(repr=False)
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    label: np.ndarray = field(repr=False)
    label_text: np.ndarray = field(repr=False)
    A: sp.csr_matrix = field(repr=False)
    W: sp.csr_matrix = field(repr=False)
    WT: sp.csr_matrix = field(repr=False)
    aa_weight: np.ndarray = field(repr=False)
    B: sp.csr_matrix = field(repr=False)
    terms: sp.csr_matrix = field(repr=False)
    terms_T: sp.csr_matrix | np.ndarray = field(repr=False)
    term_labels: np.ndarray = field(repr=False)
    term_index: dict[str, int] = field(repr=False)
    idf: np.ndarray = field(repr=False)
    activity: np.ndarray = field(repr=False)
    recent: np.ndarray = field(repr=False)
    project_year: np.ndarray = field(repr=False)
    since_year: int = 0
    reference_year: float = 0.0
    half_life: float = DEFAULT_HALF_LIFE
    #: Terms that name a theme, sector or programme part (not a programme or a title word).
    theme_terms: np.ndarray | None = field(default=None, repr=False)
    project_topics: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0)), repr=False)
    topics_T: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    topic_labels: np.ndarray = field(default_factory=lambda: np.array([], dtype=object), repr=False)
    topic_index: dict[str, int] = field(default_factory=dict, repr=False)
    project_weight: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    lead_B: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0)), repr=False)

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.orgs)

    @functools.cached_property
    def project_size(self) -> np.ndarray:
        """Members per project (``B``'s columns), as floats."""
        return np.bincount(self.B.indices, minlength=self.B.shape[1]).astype(float)

    @functools.cached_property
    def type_code(self) -> np.ndarray:
        """A code per organisation type (``-1``: none), aligned on organisations."""
        return pd.factorize(self.type)[0]

    @functools.cached_property
    def country_codes(self) -> dict[str, int]:
        """Country -> its code in ``country_code`` (the countries held only)."""
        held = self.country_code >= 0
        return dict(zip(self.country[held].tolist(), self.country_code[held].tolist(), strict=True))


def _split_terms(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, Iterable):
        items = [str(v) for v in value]
    else:
        items = [str(value)]
    return [t.strip().lower() for t in items if t and t.strip()]


def _title_words(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [w for w in _WORD.findall(value.lower()) if w not in _STOPWORDS]


def _mode_by(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Most frequent non-empty value per key (ties: alphabetical)."""
    df = pd.DataFrame({"k": keys.to_numpy(), "v": values.astype("string").to_numpy()}).dropna()
    df = df[df["v"].str.len() > 0]
    if df.empty:
        return pd.Series(dtype=object)
    counts = df.groupby(["k", "v"]).size().reset_index(name="c")
    counts = counts.sort_values(["k", "c", "v"], ascending=[True, False, True])
    return counts.drop_duplicates("k").set_index("k")["v"].astype(object)


def _programme_col(df: pd.DataFrame) -> str | None:
    for col in ("programme", "programme_part"):
        if col in df.columns:
            return col
    return None


def _str_array(values: pd.Series | np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    vals = pd.Series(values).reset_index(drop=True)
    mask = vals.notna().to_numpy()
    out[mask] = vals[mask].astype(str).to_numpy()
    return out


def index_frame(participations: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """The one participation frame of the suggestion index, from the workspace's tables.

    Renames ``organisation_id``/``project_id`` to ``org``/``project`` and joins
    each organisation's ``country`` and ``type``; :func:`build_index` reads it.

    Parameters
    ----------
    participations : pandas.DataFrame
        As :meth:`network.store.Workspace.participations` returns them.
    organisations : pandas.DataFrame
        As :meth:`network.store.Workspace.organisations` returns them (``id``
        as a column or as the index).

    Examples
    --------
    >>> parts = pd.DataFrame({"organisation_id": ["a"], "project_id": ["p"]})
    >>> orgs = pd.DataFrame({"id": ["a"], "country": ["NL"], "type": ["cluster"]})
    >>> index_frame(parts, orgs).to_dict("records")
    [{'org': 'a', 'project': 'p', 'country': 'NL', 'type': 'cluster'}]
    """
    orgs = organisations if organisations.index.name == "id" else organisations.set_index("id")
    frame = participations.rename(columns={"organisation_id": "org", "project_id": "project"})
    return frame.join(orgs[["country", "type"]], on="org")


def build_index(
    participations: pd.DataFrame,
    orgs: pd.DataFrame | None = None,
    *,
    org_col: str = "org",
    project_col: str = "project",
    date_col: str = "start_date",
    half_life: float | None = None,
    reference_year: float | None = None,
) -> SuggestIndex:
    """Build the scoring structures of :func:`suggest`.

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per organisation and project: ``org``, ``project``,
        ``start_date`` and optionally ``country``, ``type``, ``programme`` (or
        ``programme_part``), ``themes`` (';'-separated) and ``title``.
    orgs : pandas.DataFrame, optional
        Organisation attributes indexed by organisation id: ``name``,
        ``country``, ``type``, ``city``, ``lat``, ``lon``, ``sectors``
        (';'-separated), ``esca_label``.  Organisations listed here but without
        projects are candidates too (network part 0).
    org_col, project_col, date_col : str
        Column names in ``participations``.
    half_life : float, optional
        Time-decay half-life in years; None = :data:`DEFAULT_HALF_LIFE`.
    reference_year : float, optional
        Year of weight 1; None = latest start year in ``participations``.

    Returns
    -------
    SuggestIndex

    Examples
    --------
    >>> parts = pd.DataFrame({
    ...     "org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"],
    ...     "start_date": ["2020-01-01"] * 4, "country": ["DK", "DE", "DE", "NL"]})
    >>> idx = build_index(parts)
    >>> idx.orgs.tolist(), idx.country.tolist()
    (['a', 'b', 'c'], ['DK', 'DE', 'NL'])
    """
    half_life = DEFAULT_HALF_LIFE if half_life is None else float(half_life)
    p = participations.copy()
    for col in (org_col, project_col):
        if col not in p.columns:
            msg = f"participations have no column {col!r}"
            raise DataError(msg, column=col)
    p[org_col] = p[org_col].astype(str)
    p[project_col] = p[project_col].astype(str)
    if date_col in p.columns:
        years = pd.to_datetime(p[date_col], errors="coerce").dt.year.to_numpy(dtype=float)
    else:
        years = np.full(len(p), np.nan)
    if reference_year is None:
        reference_year = float(np.nanmax(years)) if np.isfinite(years).any() else 0.0
    ids = pd.unique(p[org_col].to_numpy())
    if orgs is not None:
        extra = pd.Index(orgs.index.astype(str)).difference(pd.Index(ids))
        ids = np.concatenate([ids, extra.to_numpy()])
    ids = np.sort(np.asarray(ids, dtype=str))
    n = len(ids)
    inc = build_incidence(
        p.assign(_year=years),
        org_col=org_col,
        project_col=project_col,
        date_col="_year",
        half_life=half_life,
        reference_year=reference_year,
        orgs=ids,
    )
    B = inc.B
    W = collaboration_matrix(B)
    A = W.copy()
    A.data = np.ones_like(A.data)
    s = np.asarray(W.sum(axis=1)).ravel()
    aa_weight = np.zeros(n)
    np.divide(1.0, np.log1p(s), out=aa_weight, where=s > 0)
    pattern = B.copy()
    pattern.data = np.ones_like(pattern.data)
    activity = np.asarray(B.sum(axis=1)).ravel()
    since_year = int(reference_year) - 2
    recent_cols = (inc.project_year >= since_year).astype(float)
    recent = pattern @ recent_cols

    # attributes: the organisation frame first, then what participations say
    attr = pd.DataFrame(index=pd.Index(ids, name="org"))
    rows = pd.Series(p[org_col].to_numpy())
    for col in ("country", "type", "name", "city"):
        if col in p.columns:
            attr[col] = _mode_by(rows, p[col]).reindex(attr.index)
    if orgs is not None:
        o = orgs.copy()
        o.index = o.index.astype(str)
        o = o[~o.index.duplicated()]
        for col in ("name", "country", "type", "city", "lat", "lon", "esca_label", "sectors"):
            if col in o.columns:
                vals = o[col].reindex(attr.index)
                attr[col] = vals.where(vals.notna(), attr[col]) if col in attr else vals
    get = functools.partial(_column, attr, n)
    country = np.array([CORDIS_COUNTRIES.get(c, c) for c in _str_array(get("country"), n)])
    label_text = np.array([c.lower() for c in _str_array(get("esca_label"), n)], dtype=object)
    label = np.array([_LABEL_SCORES.get(c, 0.0) for c in label_text])

    pweight = decay_weights(inc.project_year, reference_year, half_life)
    terms, term_labels, idf, theme_terms = _term_matrix(
        p, inc, attr, org_col=org_col, project_col=project_col, pweight=pweight
    )
    project_topics, topic_labels = _project_topics(p, inc, project_col=project_col)
    lead_B = _lead_incidence(p, inc, org_col=org_col, project_col=project_col)
    topics_T = (pattern @ sp.diags(pweight) @ project_topics).T.tocsr()
    return SuggestIndex(
        orgs=ids,
        org_index=inc.org_index,
        name=_str_array(get("name"), n),
        country=country.astype(object),
        country_code=np.where(country == "", -1, pd.factorize(country)[0]),
        type=_str_array(get("type"), n),
        city=_str_array(get("city"), n),
        lat=pd.to_numeric(get("lat"), errors="coerce").to_numpy(dtype=float),
        lon=pd.to_numeric(get("lon"), errors="coerce").to_numpy(dtype=float),
        label=label,
        label_text=label_text,
        A=A,
        W=W,
        WT=W.T.tocsr(),
        aa_weight=aa_weight,
        B=pattern,
        terms=terms,
        terms_T=_terms_t(terms),
        term_labels=term_labels,
        term_index={t: i for i, t in enumerate(term_labels.tolist())},
        idf=idf,
        activity=activity,
        recent=recent,
        project_year=inc.project_year,
        since_year=since_year,
        reference_year=float(reference_year),
        half_life=half_life,
        theme_terms=theme_terms,
        project_topics=project_topics,
        topics_T=topics_T.toarray() if topics_T.shape[0] * n <= 5e7 else topics_T,
        topic_labels=topic_labels,
        topic_index={t: i for i, t in enumerate(topic_labels.tolist())},
        project_weight=pweight,
        lead_B=lead_B,
    )


def _lead_incidence(p: pd.DataFrame, inc: Any, *, org_col: str, project_col: str) -> sp.csr_matrix:
    """Organisation x project 0/1 matrix of the projects each organisation led."""
    shape = (len(inc.orgs), len(inc.projects))
    if "role" not in p.columns:
        return sp.csr_matrix(shape)
    led = p[p["role"].astype(str).str.lower().isin(["coordinator", "lead"])]
    rows = led[org_col].map(inc.org_index)
    pcode = pd.Series(np.arange(len(inc.projects)), index=inc.projects)
    cols = pcode.reindex(led[project_col].to_numpy())
    ok = rows.notna().to_numpy() & cols.notna().to_numpy()
    M = sp.csr_matrix(
        (np.ones(int(ok.sum())), (rows[ok].to_numpy(np.int64), cols[ok].to_numpy(np.int64))),
        shape=shape,
    )
    M.sum_duplicates()
    M.data[:] = 1.0
    return M


def _project_topics(
    p: pd.DataFrame, inc: Any, *, project_col: str
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Project x topic 0/1 matrix: programme parts and themes of each project."""
    prog = _programme_col(p)
    cols = [c for c in (prog, "themes") if c is not None and c in p.columns]
    pcode = pd.Series(np.arange(len(inc.projects)), index=inc.projects)
    pieces = []
    for col in cols:
        q = p[[project_col, col]].drop_duplicates()
        lists = q[col].map(_split_terms)
        rows = pcode.reindex(q[project_col].to_numpy()).to_numpy()
        pieces.append(pd.DataFrame({"row": rows, "term": lists.to_numpy()}).explode("term"))
    if pieces:
        allt = pd.concat(pieces, ignore_index=True).dropna()
    if not pieces or allt.empty:
        return sp.csr_matrix((len(inc.projects), 0)), np.array([], dtype=object)
    codes, labels = pd.factorize(allt["term"].astype(str), sort=True)
    M = sp.csr_matrix(
        (np.ones(len(codes)), (allt["row"].to_numpy(dtype=np.int64), codes)),
        shape=(len(inc.projects), len(labels)),
    )
    M.sum_duplicates()
    M.data[:] = 1.0
    return M, np.asarray(labels, dtype=object)


def _terms_t(terms: sp.csr_matrix) -> sp.csr_matrix | np.ndarray:
    """Transposed term matrix; dense when small (much faster products)."""
    if terms.shape[0] * terms.shape[1] <= 2e7:
        return np.asarray(terms.T.todense())
    return terms.T.tocsr()


def _column(attr: pd.DataFrame, n: int, col: str) -> pd.Series:
    if col in attr.columns:
        return attr[col].reset_index(drop=True)
    return pd.Series([np.nan] * n)


def _explode(rows: np.ndarray, weights: np.ndarray, lists: pd.Series) -> pd.DataFrame:
    df = pd.DataFrame({"row": rows, "w": weights, "term": lists.to_numpy()})
    df = df.explode("term").dropna(subset=["term"])
    return df[df["term"].astype(str).str.len() > 0]


def _term_matrix(
    p: pd.DataFrame,
    inc: Any,
    attr: pd.DataFrame,
    *,
    org_col: str,
    project_col: str,
    pweight: np.ndarray,
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Organisation x term TF-IDF matrix (rows L2-normalised, log-scaled counts).

    Also returns the labels, the idf and which terms name a theme or sector.
    """
    n = len(inc.orgs)
    prog = _programme_col(p)
    cols = [c for c in ("themes", prog, "title") if c is not None and c in p.columns]
    pieces = []
    themes: set[str] = set()
    if cols:
        q = p[[org_col, project_col, *cols]].drop_duplicates()
        rows = q[org_col].map(inc.org_index)
        pcode = pd.Series(np.arange(len(inc.projects)), index=inc.projects)
        w = pweight[pcode.reindex(q[project_col].to_numpy()).fillna(0).to_numpy(dtype=int)]
        ok = rows.notna().to_numpy()
        q, rows, w = q[ok], rows[ok].to_numpy(dtype=np.int64), w[ok]
        for col in cols:
            if col == "title":
                words = q[col].map(_title_words)
                pieces.append(_explode(rows, 0.5 * w, words))
            else:
                pieces.append(_explode(rows, w, q[col].map(_split_terms)))
                if col in ("themes", "programme_part"):  # a programme's name is no theme
                    themes.update(pieces[-1]["term"].astype(str))
    if "sectors" in attr.columns:
        pieces.append(_explode(np.arange(n), np.ones(n), attr["sectors"].map(_split_terms)))
        themes.update(pieces[-1]["term"].astype(str))
    if pieces:
        allt = pd.concat(pieces, ignore_index=True)
        codes, labels = pd.factorize(allt["term"].astype(str))
        M = sp.csr_matrix(
            (allt["w"].to_numpy(dtype=float), (allt["row"].to_numpy(dtype=np.int64), codes)),
            shape=(n, len(labels)),
        )
        labels = np.asarray(labels, dtype=object)
    else:
        M = sp.csr_matrix((n, 0))
        labels = np.array([], dtype=object)
    M.sum_duplicates()
    M.data = np.log1p(M.data)
    df = np.diff(M.tocsc().indptr)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    M = (M @ sp.diags(idf)).tocsr()
    norm = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
    M = (sp.diags(np.divide(1.0, norm, out=np.zeros(n), where=norm > 0)) @ M).tocsr()
    return M, labels, idf, np.array([str(t) in themes for t in labels], dtype=bool)


def _geography(
    index: SuggestIndex, lat: float, lon: float, country: str
) -> tuple[np.ndarray, np.ndarray]:
    """Geography part and distances (km, NaN when unknown) for one source."""
    if np.isfinite(lat) and np.isfinite(lon):
        dist = distance_km(lat, lon, index.lat, index.lon)
    else:
        dist = np.full(index.n, np.nan)
    same = (index.country == country) & (index.country != "") if country else np.zeros(index.n)
    geo = np.where(np.isfinite(dist), np.exp(-dist / _GEO_SCALE_KM), same.astype(float))
    return geo, dist


def _network_raw(index: SuggestIndex, rows: np.ndarray) -> np.ndarray:
    """Weighted Adamic-Adar (Lu & Zhou sum form), dense ``(len(rows), n)``."""
    D = sp.diags(index.aa_weight)
    waa = 0.5 * ((index.W[rows] @ D @ index.A) + (index.A[rows] @ D @ index.WT))
    return waa.toarray()


def _network_part(raw: np.ndarray) -> np.ndarray:
    return np.log1p(raw / _NETWORK_EPS)


def _theme_part(index: SuggestIndex, vec: sp.csr_matrix) -> np.ndarray:
    return np.asarray(vec @ index.terms_T)


def part_scores(index: SuggestIndex, rows: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
    """The five parts of ``rows`` against every organisation of the index.

    Parameters
    ----------
    index : SuggestIndex
    rows : array of int
        Organisation rows of the index.

    Returns
    -------
    dict
        Part name -> array ``(len(rows), n)`` (``activity`` and ``label`` are
        read-only broadcast views).

    Examples
    --------
    >>> parts = pd.DataFrame({"org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"],
    ...                       "start_date": ["2020-01-01"] * 4})
    >>> idx = build_index(parts)
    >>> float(part_scores(idx, [0])["network"][0, 2].round(3))  # a -> c through b
    2.313
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = index.n
    code = index.country_code
    geo = ((code[rows][:, None] == code[None, :]) & (code[None, :] >= 0)).astype(float)
    has = np.isfinite(index.lat) & np.isfinite(index.lon)
    if has.any():
        for i, u in enumerate(rows):
            if has[u]:
                dist = distance_km(index.lat[u], index.lon[u], index.lat[has], index.lon[has])
                geo[i, has] = np.exp(-dist / _GEO_SCALE_KM)
    return {
        "network": _network_part(_network_raw(index, rows)),
        "theme": _theme_part(index, index.terms[rows]),
        "geography": geo,
        "activity": np.broadcast_to(np.log1p(index.activity), (len(rows), n)),
        "label": np.broadcast_to(index.label, (len(rows), n)),
    }


def _profile_vector(index: SuggestIndex, profile: Mapping[str, Any]) -> sp.csr_matrix:
    terms = _split_terms(profile.get("sectors")) + _split_terms(profile.get("themes"))
    cols = [index.term_index[t] for t in terms if t in index.term_index]
    vec = np.zeros(len(index.term_labels))
    for c in cols:
        vec[c] += 1.0
    vec = np.log1p(vec) * index.idf if len(vec) else vec
    norm = np.linalg.norm(vec)
    if norm > 0:
        vec = vec / norm
    return sp.csr_matrix(vec[None, :])


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    unknown = set(weights) - set(PARTS)
    if unknown:
        msg = f"unknown parts in weights: {sorted(unknown)!r}; expected some of {PARTS}"
        raise ValueError(msg)
    return {p: float(weights.get(p, 0.0)) for p in PARTS}


def _norm_countries(values: Iterable[str] | str | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return {CORDIS_COUNTRIES.get(str(v).upper(), str(v).upper()) for v in values}


def _norm_set(values: Iterable[str] | str | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return {str(v) for v in values}


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def suggest(
    index: SuggestIndex,
    org: str | None = None,
    *,
    profile: Mapping[str, Any] | None = None,
    top: int = 10,
    weights: Mapping[str, float] | None = None,
    countries: Iterable[str] | str | None = None,
    types: Iterable[str] | str | None = None,
    sectors: Iterable[str] | str | None = None,
    max_km: float | None = None,
    include_existing: bool = False,
    reference_year: float | None = None,
    exclude: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Suggest partners for an organisation or a new profile, with reasons.

    Parameters
    ----------
    index : SuggestIndex
        From :func:`build_index`.
    org : str, optional
        Organisation id in the index.  Exactly one of ``org`` and ``profile``.
    profile : mapping, optional
        A new organisation: ``name``, ``lat``/``lon`` (or ``city`` and
        ``country``, looked up offline), ``country``, ``type``, ``sectors``
        and ``themes`` (';'-separated or lists).  It has no projects, so its
        network part is 0.
    top : int
        Number of suggestions.
    weights : mapping, optional
        Part name -> weight; None = :data:`DEFAULT_WEIGHTS`; missing parts 0.
    countries, types : str or iterable of str, optional
        Keep only candidates in these countries (ISO alpha-2) / of these types.
    sectors : str or iterable of str, optional
        Keep only candidates with at least one of these terms (sector, theme or
        programme) in their profile.
    max_km : float, optional
        Keep only candidates with coordinates within this distance.
    include_existing : bool
        Keep organisations that already worked with ``org``.
    reference_year : float, optional
        Year for the activity part and the "projects since" count; None = the
        index's reference year (the graph keeps the index's time decay).
    exclude : iterable of str, optional
        Organisation ids never to propose: the ones linked to ``org`` by a
        rename, successor, merger or parent relation
        (:meth:`network.store.Workspace.related_ids`) are the same organisation.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, name, country, type, city, score``, one column per part
        (its contribution ``weight * value``; they add up to ``score``) and
        ``why``; best first.

    Examples
    --------
    >>> parts = pd.DataFrame({
    ...     "org": ["a", "b", "b", "c", "c", "d"], "project": ["p", "p", "q", "q", "r", "r"],
    ...     "start_date": ["2020-01-01"] * 6, "country": ["DK", "DE", "DE", "NL", "NL", "BE"]})
    >>> idx = build_index(parts)
    >>> out = suggest(idx, "a", top=2)
    >>> out["id"].tolist()
    ['c', 'd']
    >>> out["why"].iloc[0].split(";")[0]
    'Shares 1 partner with you: b'
    """
    if (org is None) == (profile is None):
        msg = f"give exactly one of org and profile, got org={org!r}, profile={profile!r}"
        raise ValueError(msg)
    if top < 1:
        msg = f"top must be at least 1, got {top!r}"
        raise ValueError(msg)
    if org is not None and str(org) not in index.org_index:  # before any work is done
        msg = f"unknown organisation {org!r}"
        raise NotFoundError(msg)
    w = _check_weights(weights)
    n = index.n
    activity, recent, since = index.activity, index.recent, index.since_year
    if reference_year is not None and reference_year != index.reference_year:
        yr = decay_weights(index.project_year, reference_year, index.half_life)
        yr[index.project_year > reference_year] = 0.0
        activity = index.B @ yr
        since = int(reference_year) - 2
        inside = (index.project_year >= since) & (index.project_year <= reference_year)
        recent = index.B @ inside.astype(float)
    if org is not None:
        u = index.org_index[str(org)]
        lat, lon, country = index.lat[u], index.lon[u], index.country[u]
        network = _network_part(_network_raw(index, np.array([u]))[0])
        vec = index.terms[u]
        partners = index.A.indices[index.A.indptr[u] : index.A.indptr[u + 1]]
    else:
        u = -1
        lat = float(profile.get("lat", np.nan) if profile.get("lat") is not None else np.nan)
        lon = float(profile.get("lon", np.nan) if profile.get("lon") is not None else np.nan)
        country = str(profile.get("country") or "").upper()
        country = CORDIS_COUNTRIES.get(country, country)
        if not (np.isfinite(lat) and np.isfinite(lon)) and profile.get("city"):
            found = lookup_city(str(profile["city"]), country or None)
            if found is not None:
                lat, lon = found.lat, found.lon
        network = np.zeros(n)
        vec = _profile_vector(index, profile)
        partners = np.array([], dtype=np.int64)
    geography, dist = _geography(index, lat, lon, country)
    theme = _theme_part(index, vec).ravel()
    parts = {
        "network": network,
        "theme": theme,
        "geography": geography,
        "activity": np.log1p(activity),
        "label": index.label,
    }
    score = sum(w[p] * parts[p] for p in PARTS)
    keep = np.ones(n, dtype=bool)
    if u >= 0:
        keep[u] = False
    if not include_existing:
        keep[partners] = False
    if exclude is not None:
        rows = [index.org_index[x] for x in exclude if x in index.org_index]
        keep[rows] = False
    wanted = _norm_countries(countries)
    if wanted is not None:
        keep &= np.isin(index.country, list(wanted))
    wanted = _norm_set(types)
    if wanted is not None:
        keep &= np.isin(index.type, list(wanted))
    if sectors is not None:
        cols = [index.term_index[t] for t in _split_terms(sectors) if t in index.term_index]
        has = np.zeros(n, dtype=bool)
        if cols:
            has = np.asarray((index.terms[:, cols] != 0).sum(axis=1)).ravel() > 0
        keep &= has
    if max_km is not None:
        if not (np.isfinite(lat) and np.isfinite(lon)):
            msg = f"max_km={max_km!r} needs coordinates of {org or profile.get('name')!r}"
            raise ValueError(msg)
        keep &= np.isfinite(dist) & (dist <= max_km)
    sel = _best(index, score, np.flatnonzero(keep), top)
    your_countries = {country} | set(index.country[partners].tolist())
    your_countries.discard("")
    why = [
        _explain(index, u, v, vec, dist[v], your_countries, recent[v], since) for v in sel.tolist()
    ]
    out = _ranked(index, sel, score)
    for p in PARTS:
        out[p] = w[p] * parts[p][sel]
    out["why"] = why
    return out.reset_index(drop=True)


def _best(index: SuggestIndex, score: np.ndarray, cand: np.ndarray, top: int) -> np.ndarray:
    """The ``top`` rows of ``cand`` by ``score``, ties broken by organisation id.

    Examples
    --------
    >>> index = build_index(pd.DataFrame({"org": ["b", "a", "c"], "project": ["p"] * 3}))
    >>> _best(index, np.array([1.0, 1.0, 2.0]), np.arange(3), 2).tolist()
    [2, 0]
    """
    if len(cand) > top:
        sel = cand[np.argpartition(-score[cand], top - 1)[:top]]
        # exact boundary: take every candidate tied with the last score, then sort
        sel = cand[score[cand] >= score[sel].min()]
    else:
        sel = cand
    return sel[np.lexsort((index.orgs[sel], -score[sel]))][:top]


def _ranked(index: SuggestIndex, sel: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """The output frame of the organisation rows ``sel``: id, name, country, type, city, score."""
    return pd.DataFrame(
        {
            "id": index.orgs[sel],
            "name": index.name[sel],
            "country": index.country[sel],
            "type": index.type[sel],
            "city": index.city[sel],
            "score": score[sel],
        }
    )


def _explain(
    index: SuggestIndex,
    u: int,
    v: int,
    vec: sp.csr_matrix,
    dist: float,
    your_countries: set[str],
    recent: float,
    since: int,
) -> str:
    bits: list[str] = []
    if u >= 0:
        A = index.A
        nu = A.indices[A.indptr[u] : A.indptr[u + 1]]
        nv = A.indices[A.indptr[v] : A.indptr[v + 1]]
        common = np.intersect1d(nu, nv)
        if len(common):
            wu = np.asarray(index.W[u, common].todense()).ravel()
            wv = np.asarray(index.W[v, common].todense()).ravel()
            contrib = 0.5 * (wu + wv) * index.aa_weight[common]
            order = np.lexsort((index.orgs[common], -contrib))[:3]
            names = [index.name[z] or index.orgs[z] for z in common[order]]
            k = len(common)
            lead = f"Shares {_plural(k, 'partner')} with you"
            bits.append(
                f"{lead}: {', '.join(names)}" if k <= 3 else f"{lead}, e.g. {', '.join(names)}"
            )
    shared = vec.multiply(index.terms[v]).tocsr()
    if index.theme_terms is not None:  # reasons name themes and sectors, never programmes
        keep = index.theme_terms[shared.indices]
        shared = sp.csr_matrix(
            (shared.data[keep], (np.zeros(keep.sum(), dtype=np.int64), shared.indices[keep])),
            shape=shared.shape,
        )
    if shared.nnz:
        order = np.argsort(-shared.data, kind="stable")[:3]
        bits.append(
            "works on " + ", ".join(str(index.term_labels[t]) for t in shared.indices[order])
        )
    cv = index.country[v]
    geo = []
    if np.isfinite(dist):
        geo.append(f"{dist:.0f} km away")
    if cv and cv not in your_countries:
        geo.append(f"adds {country_name(cv)} to your countries")
    elif cv and not geo:
        geo.append(f"in {country_name(cv)}")
    if geo:
        bits.append(", ".join(geo))
    if recent > 0:
        bits.append(f"{_plural(int(recent), 'project')} since {since}")
    if index.label_text[v] in _LABEL_SCORES:
        bits.append(f"ESCA {index.label_text[v]} label")
    if not bits:
        return ""
    text = "; ".join(bits)
    return text[0].upper() + text[1:]
