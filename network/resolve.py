"""Entity resolution: one identity per organisation across sources and spellings.

An incoming organisation record is the same as an organisation of the
workspace when

1. it has the same PIC (Participant Identification Code), or
2. its id was merged into another organisation before (a confirmed merge), or
3. its normalised name (legal forms, case, accents and common abbreviations
   ironed out, see :func:`normalise_name`) equals that of exactly one
   organisation of the same country (and the same city, where both have one).
   Such a merge is applied at once and recorded in the ``merges`` table as
   ``confirmed`` with method ``exact-name``.

Two records with different PICs are never the same. Otherwise a high
rapidfuzz score between normalised names of the same country
(:data:`FUZZY_THRESHOLD`) makes a ``pending`` merge: the importer keeps the
record as its own organisation until the user confirms (:func:`confirm_merge`)
or rejects (:func:`reject_merge`). Confirming moves participations, contact
points, the user's contacts, notes, shortlist entries and location correction
to the kept organisation and keeps a JSON snapshot, so :func:`undo_merge`
restores everything exactly. Rejected and undone pairs are never proposed or
merged again.

Examples
--------
>>> normalise_name("Energy Valley B.V.") == normalise_name("ENERGY VALLEY BV")
True
>>> normalise_name("Aalborg Universitet"), normalise_name("Aalborg University")
('aalborg univ', 'aalborg univ')
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ._parse import fix_mojibake
from .errors import NotFoundError
from .model import slugify, utc_now
from .store import Workspace

__all__ = [
    "FUZZY_THRESHOLD",
    "Match",
    "confirm_merge",
    "find_match",
    "list_merges",
    "new_organisation_id",
    "normalise_name",
    "pending_merges",
    "reject_merge",
    "resolve_organisations",
    "undo_merge",
]

#: Lowest rapidfuzz ``token_sort_ratio`` (0-100) between normalised names that
#: makes a pending merge candidate.
FUZZY_THRESHOLD: float = 88.0


def _words(text: str) -> list[str]:
    return text.split()


# Legal forms, stripped at the end of a name (after punctuation is gone).
_LEGAL_FORMS = frozenset(
    _words("""
    gmbh mbh ggmbh ag kg kgaa ohg ug haftungsbeschrankt co ev eg ek eingetragener verein
    bv nv vof cv bvba cvba vzw ivzw asbl sprl scrl srl sa sas sasu sarl se sca scs snc gie
    as asa aps amba is ks ps ab hb kb oy oyj ltd limited plc llp llc lp inc corp corporation
    spa sapa scarl scpa sl slu slp sau coop sociedad limitada anonima lda crl sgps ehf hf
    sro spol doo dd ad ood eood zrt kft nyrt bt sp zoo spzoo sc ik ltda
    """)
)
# Legal forms that lead a name ("Stichting Energy Valley").
_LEADING_FORMS = frozenset(_words("stichting stiftelsen stiftung fonden foreningen the"))
# Common words in several languages, unified so that translations match.
_ABBREVIATIONS = {
    **dict.fromkeys(
        _words(
            "university universiteit universitat universitet universidad universidade universite "
            "universita uniwersytet univerzita yliopisto universitatea universiti univ uni"
        ),
        "univ",
    ),
    **dict.fromkeys(
        _words("institute institut instituut instituto istituto inst"),
        "inst",
    ),
    **dict.fromkeys(
        _words(
            "technology technologie technologies technological technische technischen technisch "
            "tekniske teknologi tecnologia tecnologico technical tech"
        ),
        "tech",
    ),
    **dict.fromkeys(
        _words("centre center centrum zentrum centro ctr"),
        "ctr",
    ),
    **dict.fromkeys(
        _words("foundation fondation fundacion fundacao fondazione fdn"),
        "fdn",
    ),
    **dict.fromkeys(
        _words("association associazione asociacion associacao vereniging verein forening assoc"),
        "assoc",
    ),
    **dict.fromkeys(_words("gesellschaft ges"), "ges"),
    **dict.fromkeys(_words("company compagnie compania companhia"), "co"),
    **dict.fromkeys(_words("international internationale internacional intl"), "intl"),
    **dict.fromkeys(_words("saint sankt sint sainte st"), "st"),
    **dict.fromkeys(_words("department departement dept"), "dept"),
    **dict.fromkeys(
        _words("research forschung onderzoek forskning investigacion ricerca"), "research"
    ),
    **dict.fromkeys(_words("and und og och et en y e"), ""),
    **dict.fromkeys(_words("of der des de la le van von für fur for di del du"), ""),
}
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "ł": "l",
        "đ": "d",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        "œ": "oe",
        "&": " and ",
    }
)
_SINGLE_LETTER_SLASH = re.compile(r"\b([a-z])/([a-z])\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """The comparison key of an organisation name.

    Repairs double-encoded UTF-8, case-folds, strips accents, drops
    apostrophes and dots (``B.V.`` -> ``bv``), removes legal forms at the end
    (GmbH, mbH, B.V., N.V., A/S, ApS, AB, AS, Ltd, Limited, plc, e.V., vzw,
    asbl, S.A., SE, ...) and a few at the start (Stichting, Stiftelsen, The),
    and unifies common words across languages (university/universiteit/
    universität -> ``univ``; institute/institut -> ``inst``; centre/zentrum ->
    ``ctr``; ``and``/``und``/``&`` and ``of``/``der``/``de`` are dropped).

    Examples
    --------
    >>> normalise_name("Fraunhofer-Gesellschaft zur Förderung der angewandten Forschung e.V.")
    'fraunhofer ges zur forderung angewandten research'
    >>> normalise_name("Ørsted A/S"), normalise_name("ORSTED AS")
    ('orsted', 'orsted')
    >>> normalise_name("Stichting Energy Valley"), normalise_name("GmbH")
    ('energy valley', 'gmbh')
    """
    text = fix_mojibake(str(name)).casefold().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['`´’.]", "", text)
    text = _SINGLE_LETTER_SLASH.sub(r"\1\2", text)
    raw = [t for t in _NON_WORD.split(text) if t]
    tokens = list(raw)
    while tokens and tokens[-1] in _LEGAL_FORMS:
        tokens.pop()
    while len(tokens) > 1 and tokens[0] in _LEADING_FORMS:
        tokens.pop(0)
    tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
    tokens = [t for t in tokens if t]
    if not tokens:  # the name was nothing but a legal form or filler words
        return " ".join(raw)
    return " ".join(tokens)


def _norm_city(city: object) -> str:
    if city is None or (isinstance(city, float) and city != city):
        return ""
    text = unicodedata.normalize("NFKD", fix_mojibake(str(city)).casefold().translate(_SPECIAL))
    return " ".join(_NON_WORD.split(text.encode("ascii", "ignore").decode("ascii"))).strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


@dataclass(frozen=True)
class Match:
    """An existing organisation an incoming record resolves to (or may resolve to)."""

    id: str
    name: str
    score: float
    method: str  # "pic", "alias", "exact-name" or "fuzzy-name"


class _Index:
    """The workspace's organisations, indexed for resolution (read in the caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        orgs = pd.read_sql_query(
            "SELECT id, name, country, city, pic FROM organisations", conn
        ).fillna({"pic": "", "city": "", "country": ""})
        self.orgs = orgs
        self.ids = set(orgs["id"])
        pics = orgs[orgs["pic"] != ""]
        self.by_pic: dict[str, str] = dict(
            zip(pics["pic"].to_numpy(dtype=object), pics["id"].to_numpy(dtype=object), strict=True)
        )
        self.countries_without_pic = set(orgs.loc[orgs["pic"] == "", "country"])
        rows = conn.execute("SELECT kept_id, merged_id, status FROM merges").fetchall()
        self.aliases = {r[1]: r[0] for r in rows if r[2] == "confirmed"}
        self.blocked = {frozenset((r[0], r[1])) for r in rows if r[2] in ("rejected", "undone")}
        self._by_country: dict[str, pd.DataFrame] = {}

    def alias(self, org_id: str) -> str | None:
        seen = set()
        target = None
        while org_id in self.aliases and org_id not in seen:
            seen.add(org_id)
            org_id = self.aliases[org_id]
            target = org_id
        return target if target in self.ids else None

    def country(self, country: str) -> pd.DataFrame:
        """Existing organisations of a country with their normalised names."""
        if country not in self._by_country:
            part = self.orgs[self.orgs["country"] == country].copy()
            part["norm"] = [normalise_name(n) for n in part["name"]]
            part["norm_city"] = [_norm_city(c) for c in part["city"]]
            self._by_country[country] = part.reset_index(drop=True)
        return self._by_country[country]


def _eligible(cands: pd.DataFrame, *, pic: str, city: str, merged_id: str, blocked) -> np.ndarray:
    """Existing organisations a record may be the same as (no PIC or city conflict)."""
    if pic:
        theirs = cands["pic"].to_numpy()
        ok = (theirs == "") | (theirs == pic)
    else:
        ok = np.ones(len(cands), dtype=bool)
    if city:
        cities = cands["norm_city"].to_numpy()
        ok &= (cities == "") | (cities == city)
    if blocked:
        ok &= np.array([frozenset((k, merged_id)) not in blocked for k in cands["id"]], dtype=bool)
    return ok


def _match_one(
    index: _Index,
    *,
    norm: str,
    country: str,
    city: str,
    pic: str,
    merged_id: str,
    fuzzy: bool,
    threshold: float,
) -> Match | None:
    cands = index.country(country)
    if cands.empty:
        return None
    ok = _eligible(cands, pic=pic, city=city, merged_id=merged_id, blocked=index.blocked)
    ok &= cands["id"].to_numpy() != merged_id
    exact = ok & (cands["norm"].to_numpy() == norm)
    if exact.any():
        pos = int(np.flatnonzero(exact)[0])
        return Match(cands.at[pos, "id"], cands.at[pos, "name"], 100.0, "exact-name")
    if not fuzzy or not ok.any():
        return None
    pool = cands[ok]
    best = process.extractOne(
        norm, pool["norm"].tolist(), scorer=fuzz.token_sort_ratio, score_cutoff=threshold
    )
    if best is None:
        return None
    row = pool.iloc[best[2]]
    return Match(row["id"], row["name"], round(float(best[1]), 1), "fuzzy-name")


def find_match(
    ws: Workspace,
    name: str,
    country: str,
    *,
    city: str | None = None,
    pic: str | None = None,
    threshold: float | None = None,
) -> Match | None:
    """The organisation of the workspace that a record is (or may be) the same as.

    Parameters
    ----------
    ws : Workspace
    name, country : str
        The record's name and ISO country code.
    city, pic : str, optional
        Used when given: a PIC decides on its own; differing cities prevent a match.
    threshold : float, optional
        Lowest fuzzy score; ``None`` means :data:`FUZZY_THRESHOLD`.

    Returns
    -------
    Match or None
        ``method`` says how it matched: ``pic``, ``exact-name`` or ``fuzzy-name``
        (the last only a candidate for the user to confirm).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite") as ws:
    ...     m = find_match(ws, "ENERGY VALLEY", "NL")
    >>> m.method, m.name
    ('exact-name', 'Stichting Energy Valley')
    """
    index = _Index(ws.conn)
    pic = str(pic or "").strip()
    if pic and pic in index.by_pic:
        org_id = index.by_pic[pic]
        return Match(org_id, index.orgs.set_index("id").at[org_id, "name"], 100.0, "pic")
    return _match_one(
        index,
        norm=normalise_name(name),
        country=country,
        city=_norm_city(city),
        pic=pic,
        merged_id="",
        fuzzy=True,
        threshold=FUZZY_THRESHOLD if threshold is None else threshold,
    )


def resolve_organisations(
    conn: sqlite3.Connection,
    records: pd.DataFrame,
    *,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Decide, for each incoming organisation record, which organisation it is.

    Meant for importers, inside their transaction (``conn``). Names are
    compared per country, in bulk (rapidfuzz ``cdist``).

    Parameters
    ----------
    conn : sqlite3.Connection
    records : DataFrame
        One row per distinct incoming organisation, with columns ``name``,
        ``country``, ``city``, ``pic`` (``""`` when unknown) and ``new_id`` (the id
        it gets when it is new: ``pic-<PIC>`` or a slug of name and country).
    threshold : float, optional
        Lowest fuzzy score for a pending candidate (``None``: :data:`FUZZY_THRESHOLD`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> records = pd.DataFrame({"name": ["AALBORG UNIVERSITET", "Nordic Wind ApS"],
    ...                         "country": ["DK", "DK"], "city": ["AALBORG", ""], "pic": ["", ""],
    ...                         "new_id": ["aalborg-universitet-dk", "nordic-wind-aps-dk"]})
    >>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "o.sqlite") as ws:
    ...     resolve_organisations(ws.conn, records)[["id", "outcome"]].values.tolist()
    [['aalborg-universiteit-dk', 'exact-name'], ['nordic-wind-aps-dk', 'new']]

    Returns
    -------
    DataFrame
        Same index, columns ``id`` (the organisation the record ends in),
        ``new_id`` (its own id, made unique), ``outcome`` (``new``, ``pic``,
        ``alias``, ``same-id``, ``exact-name``, or ``same-in-file`` for a record
        without PIC named like exactly one PIC record of the same files),
        ``match_name``, and
        ``candidate``/``score`` for a pending fuzzy candidate.
    """
    threshold = FUZZY_THRESHOLD if threshold is None else threshold
    index = _Index(conn)
    n = len(records)
    pics = records["pic"].fillna("").astype(str).to_numpy(dtype=object)
    new_ids = records["new_id"].astype(str).to_numpy(dtype=object).copy()
    names = records["name"].fillna("").astype(str).to_numpy(dtype=object)
    countries = records["country"].fillna("").astype(str).to_numpy(dtype=object)
    cities = records["city"].fillna("").astype(str).to_numpy(dtype=object)
    ids = np.full(n, None, dtype=object)
    outcome = np.full(n, "new", dtype=object)
    match_name = np.full(n, None, dtype=object)
    candidate = np.full(n, None, dtype=object)
    score = np.full(n, np.nan)
    # 1. the same PIC, or an id merged into another organisation before
    for i in range(n):
        if pics[i] and pics[i] in index.by_pic:
            ids[i], outcome[i] = index.by_pic[pics[i]], "pic"
        elif pics[i] and new_ids[i] in index.ids:
            ids[i], outcome[i] = new_ids[i], "same-id"
        else:
            alias = index.alias(new_ids[i]) if index.aliases else None
            if alias is not None:
                ids[i], outcome[i] = alias, "alias"
    # 2. names, country by country; orgs with a PIC only match orgs without one
    todo = np.flatnonzero(pd.isna(ids))
    for country in pd.unique(countries[todo]):
        rows = todo[countries[todo] == country]
        if not country:
            continue
        cands = index.country(country)
        if cands.empty:
            continue
        rows = rows[(pics[rows] == "") | (country in index.countries_without_pic)]
        for chunk in np.array_split(rows, max(1, len(rows) // 2000 + 1)):
            if len(chunk):
                _match_chunk(index, cands, chunk, names, cities, pics, new_ids, threshold,
                             ids, outcome, match_name, candidate, score)  # fmt: skip
    # 3. everything else is new, under its own (unique) id
    taken = set(index.ids)
    for i in range(n):
        if ids[i] is None:
            if new_ids[i] in taken:
                new_ids[i] = _free_id(new_ids[i], taken)
            ids[i] = new_ids[i]
            taken.add(new_ids[i])
    # 4. a record without PIC whose name is that of exactly one PIC record of these files
    _same_in_batch(names, countries, cities, pics, ids, outcome, candidate, score)
    return pd.DataFrame(
        {
            "id": ids,
            "new_id": new_ids,
            "outcome": outcome,
            "match_name": match_name,
            "candidate": candidate,
            "score": score,
        },
        index=records.index,
    )


def _same_in_batch(names, countries, cities, pics, ids, outcome, candidate, score) -> None:
    lone = [i for i in range(len(ids)) if outcome[i] == "new" and not pics[i]]
    if not lone:
        return
    wanted = {countries[i] for i in lone}
    by_name: dict[tuple[str, str], list[int]] = {}
    for j in range(len(ids)):
        if pics[j] and countries[j] in wanted:
            by_name.setdefault((normalise_name(names[j]), countries[j]), []).append(j)
    if not by_name:
        return
    for i in lone:
        town = _norm_city(cities[i])
        found = {
            ids[j]
            for j in by_name.get((normalise_name(names[i]), countries[i]), [])
            if not town or not _norm_city(cities[j]) or _norm_city(cities[j]) == town
        }
        if len(found) == 1:
            ids[i], outcome[i] = found.pop(), "same-in-file"
            candidate[i], score[i] = None, np.nan


def _match_chunk(index, cands, chunk, names, cities, pics, new_ids, threshold,
                 ids, outcome, match_name, candidate, score) -> None:  # fmt: skip
    """Exact and fuzzy name matches of some records against one country's organisations."""
    norms = np.array([normalise_name(names[i]) for i in chunk], dtype=object)
    towns = np.array([_norm_city(cities[i]) for i in chunk], dtype=object)
    theirs_pic = cands["pic"].to_numpy(dtype=object)
    theirs_town = cands["norm_city"].to_numpy(dtype=object)
    theirs_id = cands["id"].to_numpy(dtype=object)
    mine_pic = pics[chunk]
    ok = (
        (mine_pic[:, None] == "")
        | (theirs_pic[None, :] == "")
        | (mine_pic[:, None] == theirs_pic[None, :])
    )
    ok &= (
        (towns[:, None] == "")
        | (theirs_town[None, :] == "")
        | (towns[:, None] == theirs_town[None, :])
    )
    exact = ok & (norms[:, None] == cands["norm"].to_numpy(dtype=object)[None, :])
    fuzzy = process.cdist(
        norms.tolist(),
        cands["norm"].tolist(),
        scorer=fuzz.token_sort_ratio,
        score_cutoff=threshold,
        dtype=np.float32,
    )
    fuzzy = np.where(ok, fuzzy, 0.0)
    for k, i in enumerate(chunk):
        for j in np.flatnonzero(exact[k]):
            if theirs_id[j] == new_ids[i]:  # its own id, from an earlier import
                ids[i], outcome[i] = theirs_id[j], "same-id"
                break
            if frozenset((theirs_id[j], new_ids[i])) not in index.blocked:
                ids[i], outcome[i] = theirs_id[j], "exact-name"
                match_name[i] = cands.at[j, "name"]
                break
        if ids[i] is not None or not fuzzy[k].any():
            continue
        for j in np.argsort(-fuzzy[k], kind="stable"):
            if fuzzy[k, j] < threshold:
                break
            if frozenset((theirs_id[j], new_ids[i])) not in index.blocked:
                candidate[i], score[i] = theirs_id[j], round(float(fuzzy[k, j]), 1)
                match_name[i] = cands.at[j, "name"]
                break


def _free_id(base: str, taken: set[str]) -> str:
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def new_organisation_id(name: str, country: str, pic: str = "") -> str:
    """The id of a new organisation: ``pic-<PIC>``, else a slug of name and country.

    Examples
    --------
    >>> new_organisation_id("Energy Valley", "NL"), new_organisation_id("X", "DE", "999")
    ('energy-valley-nl', 'pic-999')
    """
    if pic:
        return f"pic-{pic}"
    slug = slugify(name)[:80].strip("-") or "organisation"
    return f"{slug}-{country.lower()}" if country else slug


# -- merges --------------------------------------------------------------------------------
_ORG_FIELDS_FILLED = ("short_name", "city", "address", "postcode", "website", "pic")


def list_merges(ws: Workspace, *, status: str | None = None) -> pd.DataFrame:
    """Merges (all, or of one status) with the names of both organisations, newest first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "l.sqlite", seed=False) as ws:
    ...     list(list_merges(ws).columns)[:4]
    ['id', 'status', 'method', 'score']
    """
    sql = (
        "SELECT m.id, m.status, m.method, m.score, m.kept_id, k.name AS kept_name, "
        "k.country AS kept_country, k.city AS kept_city, m.merged_id, "
        "coalesce(g.name, json_extract(m.snapshot, '$.merged_org.name')) AS merged_name, "
        "coalesce(g.country, json_extract(m.snapshot, '$.merged_org.country')) AS merged_country, "
        "coalesce(g.city, json_extract(m.snapshot, '$.merged_org.city')) AS merged_city, "
        "m.created_at, m.decided_at FROM merges m "
        "LEFT JOIN organisations k ON k.id = m.kept_id "
        "LEFT JOIN organisations g ON g.id = m.merged_id"
    )
    params: tuple = ()
    if status is not None:
        sql += " WHERE m.status = ?"
        params = (status,)
    return pd.read_sql_query(sql + " ORDER BY m.id DESC", ws.conn, params=params)


def pending_merges(ws: Workspace) -> pd.DataFrame:
    """Pending merge candidates whose two organisations both still exist, best score first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "p.sqlite", seed=False) as ws:
    ...     len(pending_merges(ws))
    0
    """
    frame = list_merges(ws, status="pending")
    frame = frame[frame["kept_name"].notna() & frame["merged_name"].notna()]
    ids = set(r[0] for r in ws.conn.execute("SELECT id FROM organisations"))
    frame = frame[frame["merged_id"].isin(ids)]
    return frame.sort_values(["score", "id"], ascending=[False, True]).reset_index(drop=True)


def _merge_row(conn: sqlite3.Connection, merge_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM merges WHERE id = ?", (merge_id,)).fetchone()
    if row is None:
        msg = f"no merge with id {merge_id!r}"
        raise NotFoundError(msg)
    return row


def _rows(conn: sqlite3.Connection, sql: str, params: tuple) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, params)]


def confirm_merge(ws: Workspace, merge_id: int) -> dict[str, int]:
    """Merge a pending candidate: the merged organisation becomes part of the kept one.

    Its participations, contact points, the user's contacts, notes, shortlist
    entries, location correction and source records move to the kept
    organisation (where the kept one already has the same participation,
    contact point or shortlist entry, the kept one's stays); empty fields of the
    kept organisation (short name, city, address, postcode, website, PIC) are
    filled from the merged one, which is then removed. A JSON snapshot of
    everything it changed goes into the merge, for :func:`undo_merge`.

    Returns
    -------
    dict
        Rows moved per table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from network.importers import import_table
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("name,country,city\\nGhent University,BE,Gent\\n")
    >>> ws = Workspace(d / "w.sqlite")
    >>> _ = import_table(ws, d / "p.csv", mapping={"name": "name", "country": "country",
    ...                  "city": "city"}, locate=False)
    >>> candidate = pending_merges(ws).iloc[0]
    >>> candidate["kept_name"], candidate["merged_name"]
    ('Universiteit Gent', 'Ghent University')
    >>> moved = confirm_merge(ws, int(candidate["id"]))
    >>> "ghent-university-be" in set(ws.organisations()["id"])
    False
    >>> _ = undo_merge(ws, int(candidate["id"]))
    >>> "ghent-university-be" in set(ws.organisations()["id"])
    True
    >>> ws.close()
    """
    with ws.transaction() as conn:
        merge = _merge_row(conn, merge_id)
        if merge["status"] != "pending":
            msg = f"merge {merge_id} is {merge['status']}, not pending"
            raise ValueError(msg)
        kept, merged = merge["kept_id"], merge["merged_id"]
        kept_row = conn.execute("SELECT * FROM organisations WHERE id = ?", (kept,)).fetchone()
        merged_row = conn.execute("SELECT * FROM organisations WHERE id = ?", (merged,)).fetchone()
        if kept_row is None or merged_row is None:
            missing = kept if kept_row is None else merged
            msg = f"organisation {missing!r} of merge {merge_id} no longer exists"
            raise NotFoundError(msg)
        snapshot = _snapshot(conn, kept, merged, dict(kept_row), dict(merged_row))
        moved = _apply_merge(conn, kept, merged, snapshot)
        conn.execute(
            "UPDATE merges SET status = 'confirmed', snapshot = ?, decided_at = ? WHERE id = ?",
            (json.dumps(snapshot, ensure_ascii=False), utc_now(), merge_id),
        )
        Workspace._bump(conn)
    return moved


def _snapshot(conn, kept: str, merged: str, kept_row: dict, merged_row: dict) -> dict:
    kept_parts = {
        r["project_id"]
        for r in _rows(
            conn, "SELECT project_id FROM participations WHERE organisation_id = ?", (kept,)
        )
    }
    parts = _rows(conn, "SELECT * FROM participations WHERE organisation_id = ?", (merged,))
    for p in parts:
        p["moved"] = p["project_id"] not in kept_parts
    kept_points = {
        (r["kind"], r["value"])
        for r in _rows(
            conn, "SELECT kind, value FROM contact_points WHERE organisation_id = ?", (kept,)
        )
    }
    points = _rows(conn, "SELECT * FROM contact_points WHERE organisation_id = ?", (merged,))
    for p in points:
        p["moved"] = (p["kind"], p["value"]) not in kept_points
    kept_items = {
        r["shortlist"]: r
        for r in _rows(conn, "SELECT * FROM shortlist_items WHERE organisation_id = ?", (kept,))
    }
    items = _rows(conn, "SELECT * FROM shortlist_items WHERE organisation_id = ?", (merged,))
    for item in items:
        item["moved"] = item["shortlist"] not in kept_items
    fix = conn.execute(
        "SELECT * FROM location_corrections WHERE organisation_id = ?", (merged,)
    ).fetchone()
    kept_fix = conn.execute(
        "SELECT 1 FROM location_corrections WHERE organisation_id = ?", (kept,)
    ).fetchone()
    return {
        "kept_org": kept_row,
        "merged_org": merged_row,
        "participations": parts,
        "contact_points": points,
        "contacts": [
            r[0]
            for r in conn.execute("SELECT id FROM contacts WHERE organisation_id = ?", (merged,))
        ],
        "notes": [
            r[0] for r in conn.execute("SELECT id FROM notes WHERE organisation_id = ?", (merged,))
        ],
        "shortlist_items": items,
        "kept_shortlist_items": [kept_items[i["shortlist"]] for i in items if not i["moved"]],
        "location_correction": dict(fix) if fix else None,
        "location_moved": bool(fix) and kept_fix is None,
        "source_records": [
            list(r)
            for r in conn.execute(
                "SELECT import_id, kind, source_key FROM source_records WHERE organisation_id = ?",
                (merged,),
            )
        ],
    }


def _move_rows(conn, table: str, keys: tuple[str, ...], rows, kept: str, merged: str) -> None:
    """Give ``kept`` the rows of ``table`` (found by ``merged`` and ``keys``) marked ``moved``."""
    where = "".join(f" AND {key} = ?" for key in keys)
    for row in rows:
        if row["moved"]:
            conn.execute(
                f"UPDATE {table} SET organisation_id = ? WHERE organisation_id = ?{where}",
                (kept, merged, *(row[key] for key in keys)),
            )


def _apply_merge(conn, kept: str, merged: str, snap: dict) -> dict[str, int]:
    _move_rows(conn, "participations", ("project_id",), snap["participations"], kept, merged)
    _move_rows(conn, "contact_points", ("kind", "value"), snap["contact_points"], kept, merged)
    conn.execute(
        "UPDATE contacts SET organisation_id = ? WHERE organisation_id = ?", (kept, merged)
    )
    conn.execute("UPDATE notes SET organisation_id = ? WHERE organisation_id = ?", (kept, merged))
    _move_rows(conn, "shortlist_items", ("shortlist",), snap["shortlist_items"], kept, merged)
    for item in snap["shortlist_items"]:
        if not item["moved"] and item["is_lead"]:
            conn.execute(
                "UPDATE shortlist_items SET is_lead = 1 "
                "WHERE organisation_id = ? AND shortlist = ?",
                (kept, item["shortlist"]),
            )
    conn.execute("DELETE FROM shortlist_items WHERE organisation_id = ?", (merged,))
    if snap["location_moved"]:
        conn.execute(
            "UPDATE location_corrections SET organisation_id = ? WHERE organisation_id = ?",
            (kept, merged),
        )
    conn.execute("DELETE FROM location_corrections WHERE organisation_id = ?", (merged,))
    conn.execute(
        "UPDATE source_records SET organisation_id = ? WHERE organisation_id = ?", (kept, merged)
    )
    fills = {
        f: snap["merged_org"][f]
        for f in _ORG_FIELDS_FILLED
        if _blank(snap["kept_org"].get(f)) and not _blank(snap["merged_org"].get(f))
    }
    if fills:
        sets = ", ".join(f"{f} = ?" for f in fills)
        conn.execute(f"UPDATE organisations SET {sets} WHERE id = ?", (*fills.values(), kept))
    # what is left of the merged organisation (kept-side duplicates) goes with it
    conn.execute("DELETE FROM organisations WHERE id = ?", (merged,))
    return {
        "participations": sum(p["moved"] for p in snap["participations"]),
        "contact_points": sum(p["moved"] for p in snap["contact_points"]),
        "contacts": len(snap["contacts"]),
        "notes": len(snap["notes"]),
        "shortlist_items": len(snap["shortlist_items"]),
        "source_records": len(snap["source_records"]),
    }


def reject_merge(ws: Workspace, merge_id: int) -> None:
    """Reject a pending candidate: both stay apart, and the pair is not proposed again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Workspace(pathlib.Path(tempfile.mkdtemp()) / "r.sqlite", seed=False) as ws:
    ...     reject_merge(ws, 1)
    Traceback (most recent call last):
    ...
    network.errors.NotFoundError: no merge with id 1
    """
    with ws.transaction() as conn:
        merge = _merge_row(conn, merge_id)
        if merge["status"] != "pending":
            msg = f"merge {merge_id} is {merge['status']}, not pending"
            raise ValueError(msg)
        conn.execute(
            "UPDATE merges SET status = 'rejected', decided_at = ? WHERE id = ?",
            (utc_now(), merge_id),
        )


def undo_merge(ws: Workspace, merge_id: int) -> dict[str, int]:
    """Undo a confirmed merge (by the user or automatic at import): restore both organisations.

    The merged organisation comes back with its participations, contact
    points, contacts, notes, shortlist entries, location correction and
    source records; the kept organisation gets its fields back as they were.
    Later changes to other rows are kept. The pair is not merged again
    automatically.

    Returns
    -------
    dict
        Rows moved back per table.

    Examples
    --------
    See :func:`confirm_merge`.
    """
    with ws.transaction() as conn:
        merge = _merge_row(conn, merge_id)
        if merge["status"] != "confirmed":
            msg = f"merge {merge_id} is {merge['status']}, only a confirmed merge can be undone"
            raise ValueError(msg)
        snap = json.loads(merge["snapshot"] or "{}")
        if "merged_org" not in snap:
            msg = f"merge {merge_id} has no snapshot to undo"
            raise ValueError(msg)
        kept, merged = merge["kept_id"], merge["merged_id"]
        if conn.execute("SELECT 1 FROM organisations WHERE id = ?", (merged,)).fetchone():
            msg = f"organisation {merged!r} exists again; merge {merge_id} cannot be undone"
            raise ValueError(msg)
        restored = _restore(conn, kept, merged, snap)
        conn.execute(
            "UPDATE merges SET status = 'undone', decided_at = ? WHERE id = ?",
            (utc_now(), merge_id),
        )
        Workspace._bump(conn)
    return restored


def _insert(conn, table: str, row: dict) -> None:
    cols = [c for c in row if c != "moved"]
    conn.execute(
        f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def _restore(conn, kept: str, merged: str, snap: dict) -> dict[str, int]:
    _insert(conn, "organisations", snap["merged_org"])
    kept_org = snap.get("kept_org")
    if kept_org and conn.execute("SELECT 1 FROM organisations WHERE id = ?", (kept,)).fetchone():
        cols = [c for c in kept_org if c != "id"]
        conn.execute(
            f"UPDATE organisations SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
            (*(kept_org[c] for c in cols), kept),
        )
    parts = 0
    for p in snap["participations"]:
        if p["moved"]:
            conn.execute(
                "DELETE FROM participations WHERE organisation_id = ? AND project_id = ? "
                "AND origin = ?",
                (kept, p["project_id"], p["origin"]),
            )
        if conn.execute("SELECT 1 FROM projects WHERE id = ?", (p["project_id"],)).fetchone():
            _insert(conn, "participations", {**p, "organisation_id": merged})
            parts += 1
    for p in snap["contact_points"]:
        if p["moved"]:
            conn.execute(
                "DELETE FROM contact_points WHERE organisation_id = ? AND kind = ? AND value = ?",
                (kept, p["kind"], p["value"]),
            )
        _insert(conn, "contact_points", {**p, "organisation_id": merged})
    for table in ("contacts", "notes"):
        ids = snap.get(table, [])
        conn.executemany(
            f"UPDATE {table} SET organisation_id = ? WHERE id = ? AND organisation_id = ?",
            [(merged, i, kept) for i in ids],
        )
    for item in snap.get("shortlist_items", []):
        if item["moved"]:
            conn.execute(
                "DELETE FROM shortlist_items WHERE organisation_id = ? AND shortlist = ?",
                (kept, item["shortlist"]),
            )
        if conn.execute("SELECT 1 FROM shortlists WHERE name = ?", (item["shortlist"],)).fetchone():
            _insert(conn, "shortlist_items", {**item, "organisation_id": merged})
    for item in snap.get("kept_shortlist_items", []):
        conn.execute(
            "UPDATE shortlist_items SET is_lead = ? WHERE organisation_id = ? AND shortlist = ?",
            (item["is_lead"], kept, item["shortlist"]),
        )
    fix = snap.get("location_correction")
    if fix:
        if snap.get("location_moved"):
            conn.execute("DELETE FROM location_corrections WHERE organisation_id = ?", (kept,))
        _insert(conn, "location_corrections", {**fix, "organisation_id": merged})
    conn.executemany(
        "UPDATE source_records SET organisation_id = ? "
        "WHERE import_id = ? AND kind = ? AND source_key = ?",
        [(merged, *key) for key in snap.get("source_records", [])],
    )
    return {
        "participations": parts,
        "contact_points": len(snap["contact_points"]),
        "contacts": len(snap.get("contacts", [])),
        "notes": len(snap.get("notes", [])),
        "shortlist_items": len(snap.get("shortlist_items", [])),
        "source_records": len(snap.get("source_records", [])),
    }
