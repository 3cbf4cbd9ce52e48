"""Check a draft consortium against programme rules and fill its gaps.

The rules live as data in ``consortium_rules.json`` beside this module, each
with the public page it comes from.  Three kinds of rule exist:

``min_partners``
    at least ``value`` members;
``min_countries``
    members from at least ``value`` different countries (only the countries of
    the named ``countries`` set count, when one is given);
``min_partners_in``
    at least ``value`` members established in the named ``countries`` set.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from network.errors import DataError, NotFoundError
from network.model import CORDIS_COUNTRIES
from network.suggest import SuggestIndex, suggest

__all__ = [
    "RULES_PATH",
    "CheckResult",
    "Consortium",
    "check",
    "fill_gaps",
    "load_rules",
    "programmes",
]

RULES_PATH = Path(__file__).with_name("consortium_rules.json")


@dataclass
class Consortium:
    """A draft consortium: member organisation ids, one of them the lead."""

    members: list[str]
    lead: str | None = None

    def __post_init__(self) -> None:
        self.members = [str(m) for m in dict.fromkeys(self.members)]
        if self.lead is not None:
            self.lead = str(self.lead)
            if self.lead not in self.members:
                msg = f"lead {self.lead!r} is not a member of {self.members!r}"
                raise ValueError(msg)


@dataclass
class CheckResult:
    """Outcome of :func:`check`.

    Attributes
    ----------
    programme : str
    countries : list of str
        Countries covered (ISO alpha-2).
    types : dict
        Organisation type -> number of members.
    roles : dict
        ``{"lead": id or None, "partners": [ids]}``.
    satisfied, missing : list of str
        Rules in words, each followed by its source.
    unknown : list of str
        Members without a known country.
    """

    programme: str
    countries: list[str]
    types: dict[str, int]
    roles: dict[str, Any]
    satisfied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_rules: list[dict[str, Any]] = field(default_factory=list, repr=False)
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule is missing."""
        return not self.missing

    def __str__(self) -> str:
        lines = [f"{self.programme}: {'eligible' if self.ok else 'not yet eligible'}"]
        lines.append(f"countries: {', '.join(self.countries) or '-'}")
        lines.append("types: " + (", ".join(f"{t} {n}" for t, n in self.types.items()) or "-"))
        lines.append(f"lead: {self.roles.get('lead') or '-'}")
        lines += [f"ok: {s}" for s in self.satisfied] + [f"missing: {s}" for s in self.missing]
        return "\n".join(lines)


@functools.lru_cache(maxsize=8)
def _load_json(path: str) -> dict[str, Any]:
    """The JSON document at ``path``, read once (shared with :mod:`network.complete`)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_rules(path: str | Path | None = None) -> dict[str, Any]:
    """The rules document (``consortium_rules.json`` unless ``path`` is given).

    Examples
    --------
    >>> "interreg_north_sea_2021_2027" in load_rules()["programmes"]
    True
    """
    return _load_json(str(RULES_PATH if path is None else path))


def programmes(path: str | Path | None = None) -> dict[str, str]:
    """Programme key -> readable name.

    Examples
    --------
    >>> programmes()["horizon_europe_ria_ia"]
    'Horizon Europe collaborative actions (RIA/IA)'
    """
    return {k: v["name"] for k, v in load_rules(path)["programmes"].items()}


def _country(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    code = str(value).strip().upper()
    return CORDIS_COUNTRIES.get(code, code)


def _attributes(
    members: Sequence[str], orgs: pd.DataFrame | SuggestIndex
) -> tuple[dict[str, str], dict[str, str]]:
    """Country and type of each member, from a frame indexed by id or an index."""
    if isinstance(orgs, SuggestIndex):
        pos = [orgs.org_index.get(m) for m in members]
        country = {
            m: (orgs.country[i] if i is not None else "") for m, i in zip(members, pos, strict=True)
        }
        typ = {
            m: (orgs.type[i] if i is not None else "") for m, i in zip(members, pos, strict=True)
        }
        return {m: _country(c) for m, c in country.items()}, typ
    frame = orgs.copy()
    frame.index = frame.index.astype(str)
    frame = frame[~frame.index.duplicated()]
    country = {}
    typ = {}
    for m in members:
        row = frame.loc[m] if m in frame.index else None
        country[m] = _country(row.get("country")) if row is not None else ""
        t = row.get("type") if row is not None else None
        typ[m] = "" if t is None or (isinstance(t, float) and t != t) else str(t)
    return country, typ


def _rule_sets(doc: Mapping[str, Any], rule: Mapping[str, Any]) -> set[str] | None:
    name = rule.get("countries")
    if name is None:
        return None
    if name not in doc["country_sets"]:
        msg = f"rule {rule.get('id')!r} names an unknown country set {name!r}"
        raise DataError(msg)
    return set(doc["country_sets"][name]["countries"])


def check(
    consortium: Consortium | Sequence[str],
    orgs: pd.DataFrame | SuggestIndex,
    programme: str,
    *,
    lead: str | None = None,
    rules_path: str | Path | None = None,
) -> CheckResult:
    """Check a draft consortium against a programme's minimum rules.

    Parameters
    ----------
    consortium : Consortium or sequence of str
        Member ids (with ``lead`` when a plain sequence).
    orgs : pandas.DataFrame or SuggestIndex
        Organisation attributes indexed by id (``country``, ``type``).
    programme : str
        Key of :func:`programmes`.
    lead : str, optional
        Lead member when ``consortium`` is a plain sequence.
    rules_path : str or Path, optional
        Another rules file.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> orgs = pd.DataFrame({"country": ["DK", "DE", "NO"], "type": ["HES", "PRC", "PUB"]},
    ...                     index=["a", "b", "c"])
    >>> res = check(Consortium(["a", "b"], lead="a"), orgs, "interreg_north_sea_2021_2027")
    >>> res.ok, res.countries
    (False, ['DE', 'DK'])
    >>> check(["a", "b", "c"], orgs, "interreg_north_sea_2021_2027").ok
    True
    """
    doc = load_rules(rules_path)
    if programme not in doc["programmes"]:
        msg = f"unknown programme {programme!r}; known: {sorted(doc['programmes'])}"
        raise NotFoundError(msg)
    if not isinstance(consortium, Consortium):
        consortium = Consortium(list(consortium), lead=lead)
    members = consortium.members
    country, typ = _attributes(members, orgs)
    covered = sorted({c for c in country.values() if c})
    result = CheckResult(
        programme=programme,
        countries=covered,
        types=dict(sorted(Counter(t for t in typ.values() if t).items())),
        roles={"lead": consortium.lead, "partners": [m for m in members if m != consortium.lead]},
        unknown=[m for m in members if not country[m]],
    )
    for rule in doc["programmes"][programme]["rules"]:
        kind, value = rule["kind"], int(rule["value"])
        allowed = _rule_sets(doc, rule)
        if kind == "min_partners":
            have = len(members)
        elif kind == "min_countries":
            have = len([c for c in covered if allowed is None or c in allowed])
        elif kind == "min_partners_in":
            have = sum(1 for m in members if country[m] in (allowed or set()))
        else:
            msg = f"unknown rule kind {kind!r} in rule {rule.get('id')!r}"
            raise ValueError(msg)
        text = f"{rule['text']} (have {have}; source: {rule['source']})"
        if have >= value:
            result.satisfied.append(text)
        else:
            result.missing.append(text)
            result.missing_rules.append({**rule, "have": have, "allowed": allowed})
    return result


def fill_gaps(
    consortium: Consortium | Sequence[str],
    index: SuggestIndex,
    programme: str,
    *,
    lead: str | None = None,
    top: int = 5,
    weights: Mapping[str, float] | None = None,
    rules_path: str | Path | None = None,
    exclude: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Suggest organisations that would satisfy the missing rules.

    Suggestions are made from the lead's point of view (or the first member
    in the index); former partners are welcome, members are excluded.  For a
    country rule only organisations from countries that would count and are not
    covered yet are proposed.

    Parameters
    ----------
    consortium, lead, programme, rules_path
        As in :func:`check`.
    index : SuggestIndex
        Scoring structures of :func:`network.suggest.build_index`; also the
        source of the members' countries.
    top : int
        Suggestions per missing rule.
    weights : mapping, optional
        Part weights passed to :func:`network.suggest.suggest`.
    exclude : iterable of str, optional
        Organisation ids never to propose, such as the members' predecessors
        and successors (:meth:`network.store.Workspace.related_ids`).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`network.suggest.suggest` plus ``fills`` (the
        rule id); empty when nothing is missing.

    Examples
    --------
    >>> from network.suggest import build_index
    >>> parts = pd.DataFrame({"org": ["a", "b", "b", "c"], "project": ["p", "p", "q", "q"],
    ...                       "start_date": ["2020-01-01"] * 4,
    ...                       "country": ["DK", "DK", "DK", "NL"]})
    >>> idx = build_index(parts)
    >>> fill_gaps(["a", "b"], idx, "interreg_north_sea_2021_2027")["id"].tolist()
    ['c']
    """
    if not isinstance(consortium, Consortium):
        consortium = Consortium(list(consortium), lead=lead)
    result = check(consortium, index, programme, rules_path=rules_path)
    if result.ok:
        return pd.DataFrame(columns=["id", "name", "country", "type", "city", "score", "fills"])
    anchors = [consortium.lead] if consortium.lead else []
    anchors += [m for m in consortium.members if m not in anchors]
    anchor = next((m for m in anchors if m in index.org_index), None)
    profile = None
    if anchor is None:
        profile = {
            "name": "draft consortium",
            "country": result.countries[0] if result.countries else "",
        }
    members = set(consortium.members)
    frames = []
    for rule in result.missing_rules:
        allowed = rule["allowed"]
        countries = None
        if rule["kind"] == "min_countries":
            pool = allowed if allowed is not None else set(index.country.tolist()) - {""}
            countries = sorted(set(pool) - set(result.countries))
        elif rule["kind"] == "min_partners_in":
            countries = sorted(allowed or set())
        if countries is not None and not countries:
            continue
        out = suggest(
            index,
            anchor,
            profile=profile,
            top=top + len(members),
            weights=weights,
            countries=countries,
            include_existing=True,
            exclude=exclude,
        )
        out = out[~out["id"].isin(members)].head(top).copy()
        out["fills"] = rule["id"]
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=["id", "name", "country", "type", "city", "score", "fills"])
    return pd.concat(frames, ignore_index=True)
