"""A Frictionless data package in this project's layout (``datapackage.json`` + CSV files).

Examples
--------
>>> from network import settings
>>> sniff([settings.data_dir])
True
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ._base import _ORG_FIELDS, _PROJECT_COLS, ImportReport, Problems, Progress, Source, _Batch
from ._clean import _raw_json

__all__ = ["SOURCE", "sniff"]


def sniff(items: list[Path]) -> bool:
    """Whether the path is a data package (its folder, or its ``datapackage.json``)."""
    for path in items:
        if path.is_dir() and (path / "datapackage.json").exists():
            return True
        if path.name.lower() == "datapackage.json":
            return True
    return False


def files(items: list[Path]) -> list[Path]:
    """The package's CSV and JSON files."""
    if not items or not items[0].exists():
        msg = "the file does not exist"
        raise DataError(msg, file=str(items[0]) if items else None)
    root = items[0] if items[0].is_dir() else items[0].parent
    return sorted(p for p in root.iterdir() if p.suffix in (".csv", ".json"))


def _package_batch(
    items: list[Path], report: ImportReport, problems: Problems, progress: Progress, options: dict
) -> _Batch:
    from ..package import read_package

    progress(0.1, "Reading the data package…")
    tables = read_package(items[0])
    o = tables["organisations"].fillna({"pic": ""}).reset_index(drop=True)
    o["pic"] = o["pic"].astype(str).replace("None", "")
    o["file"], o["row"] = "organisations.csv", np.arange(1, len(o) + 1)
    orgs = pd.DataFrame({"key": o["id"], "new_id": o["id"], "file": o["file"], "row": o["row"]})
    for f in _ORG_FIELDS:
        orgs[f] = o[f] if f in o.columns else None
    orgs["raw"] = _raw_json(o.astype(str), list(o.columns))
    p = tables["projects"].reset_index(drop=True)
    p["file"], p["row"] = "projects.csv", np.arange(1, len(p) + 1)
    projects = pd.DataFrame({"key": p["id"], "new_id": p["id"]})
    for f in _PROJECT_COLS:
        projects[f] = p[f] if f in p.columns else None
    projects["file"], projects["row"] = p["file"], p["row"]
    projects["raw"] = _raw_json(p.astype(str), list(p.columns))
    a = tables["participations"].reset_index(drop=True)
    participations = pd.DataFrame(
        {
            "org_key": a["organisation_id"],
            "project_key": a["project_id"],
            "role": a["role"],
            "budget": a["budget"],
            "source_url": a["source_url"],
            "file": "participations.csv",
            "row": np.arange(1, len(a) + 1),
        }
    )
    points = tables["contact_points"][["organisation_id", "kind", "value", "source_url"]]
    points = points.rename(columns={"organisation_id": "org_key"})
    relations = pages = None  # optional resources of a package
    if "organisation_relations" in tables:
        relations = tables["organisation_relations"][["from", "to", "kind", "since", "source_url"]]
        relations = relations.rename(columns={"from": "from_key", "to": "to_key"})
    if "sources" in tables:
        pages = tables["sources"].reset_index(drop=True)
    read = (orgs, projects, participations, points, relations, pages)
    rows = sum(len(frame) for frame in read if frame is not None)
    return _Batch(
        orgs,
        projects,
        participations,
        points,
        relations=relations,
        sources=pages,
        rows_read=rows,
        rows_kept=rows,
    )


def _preview(items: list[Path], rows: int) -> dict[str, pd.DataFrame]:
    from ..package import read_package

    return {name: frame.head(rows) for name, frame in read_package(items[0]).items()}


#: The data package source of the registry.
SOURCE = Source(
    name="package",
    label="A data package in this project's layout (datapackage.json)",
    sniff=sniff,
    files=files,
    build=_package_batch,
    preview=_preview,
)
