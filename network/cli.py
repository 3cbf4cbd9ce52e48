"""The command line: ``python -m network SUBCOMMAND ...``.

Every subcommand takes ``--workspace PATH``; ``--json`` prints one JSON value.

Examples
--------
>>> build_parser().parse_args(["info", "--json"]).json
True
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from ._errors import AmbiguousError, DataError, NotFoundError, WorkspaceError

__all__ = ["build_parser", "main"]


def _workspace_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        metavar="PATH",
        help="workspace SQLite file (default: $NSPE_WORKSPACE, else a per-user data directory)",
    )


def _print(value: object, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    elif isinstance(value, dict):
        width = max(len(str(k)) for k in value)
        for key, item in value.items():
            print(f"{str(key).ljust(width)}  {item}")
    else:
        print(value)


def _cmd_info(args: argparse.Namespace) -> int:
    from .info import network_info
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        _print(network_info(ws), as_json=args.json)
    return 0


def _cmd_metrics(args: argparse.Namespace) -> int:
    from .metrics import workspace_metrics
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        frame, info = workspace_metrics(ws)
        result = {
            "network_version": ws.network_version(),
            "organisations": len(frame),
            "betweenness": info.betweenness_label(),
            "communities": int(frame["community"].nunique()),
            "seconds": info.seconds,
        }
    _print(result, as_json=args.json)
    return 0


def _cmd_seed(args: argparse.Namespace) -> int:
    from .store import Workspace

    with Workspace(args.workspace, seed=False) as ws:
        counts = ws.seed(args.package)
    _print(counts, as_json=args.json)
    return 0


def _cmd_geocode(args: argparse.Namespace) -> int:
    from .locations import workspace_geocoder
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        loc = workspace_geocoder(ws, online=args.online).locate(
            city=args.city, country=args.country
        )
    result = {
        "query": f"{args.city}, {args.country}",
        "lat": round(loc.lat, 6),
        "lon": round(loc.lon, 6),
        "precision": loc.precision,
        "source": loc.source,
        "name": loc.name,
        "message": loc.message,
    }
    if args.json:
        _print(result, as_json=True)
    else:
        note = f"  ({loc.message})" if loc.message else ""
        print(f"{loc.lat:.5f} {loc.lon:.5f}  {loc.precision}  {loc.source}  {loc.name}{note}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export_cli
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        result = export_cli(
            ws,
            format=args.format,
            out=args.out,
            countries=args.countries,
            org=args.org,
            depth=args.depth,
            shortlist=args.shortlist,
        )
    _print(result, as_json=args.json)
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .export import resolve_org
    from .store import Workspace
    from .suggest import PARTS, build_index, suggest

    with Workspace(args.workspace) as ws:
        org = resolve_org(ws, args.org)
        orgs = ws.organisations().set_index("id")
        parts = ws.participations().rename(
            columns={"organisation_id": "org", "project_id": "project"}
        )
    parts = parts.join(orgs[["country", "type"]], on="org")
    index = build_index(parts, orgs)
    if org not in index.org_index:
        msg = f"{orgs.loc[org, 'name']!r} has no project in the workspace to suggest from"
        raise ValueError(msg)
    result = suggest(index, org, top=args.top)
    if args.json:
        columns = ["id", "name", "country", "type", "city", "score", *PARTS, "why"]
        records = result[columns].to_dict("records")
        _print([{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
                for r in records], as_json=True)  # fmt: skip
    else:
        print(f"Partners suggested for {orgs.loc[org, 'name']}:")
        for rank, row in enumerate(result.itertuples(), start=1):
            print(f"{rank:>3}. {row.name} ({row.country}) score {row.score:.2f}\n     {row.why}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_file, format_table

    cutoffs = [int(c) for c in args.cutoffs.split(",")]
    result = evaluate_file(
        args.participations,
        org_col=args.org_col,
        project_col=args.project_col,
        date_col=args.date_col,
        cutoffs=cutoffs,
        window=args.window,
        json=True,
    )
    if args.json:
        _print(result, as_json=True)
    else:
        print(format_table(result))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from .importers import run_import_cli
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        report = run_import_cli(ws, args.files, format=args.format, mapping_path=args.mapping)
    _print(report, as_json=args.json)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m network",
        description="North Sea Partner Explorer: the network of North Sea cluster organisations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = sub.add_parser("info", help="print the workspace's headline numbers")
    _workspace_arg(info)
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(func=_cmd_info)

    met = sub.add_parser(
        "metrics", help="compute and store the whole-network metrics (once per network version)"
    )
    _workspace_arg(met)
    met.add_argument("--json", action="store_true", help="print JSON")
    met.set_defaults(func=_cmd_metrics)

    seed = sub.add_parser("seed", help="(re-)seed the workspace from a data package")
    _workspace_arg(seed)
    seed.add_argument("--package", metavar="DIR", help="data package folder (default: bundled)")
    seed.add_argument("--json", action="store_true", help="print one JSON object")
    seed.set_defaults(func=_cmd_seed)

    geocode = sub.add_parser("geocode", help="locate a place offline (or online with --online)")
    geocode.add_argument("city", metavar="CITY")
    geocode.add_argument("country", metavar="COUNTRY", help="ISO alpha-2, or UK/EL")
    geocode.add_argument(
        "--online", action="store_true", help="allow Nominatim (OpenStreetMap) when offline fails"
    )
    geocode.add_argument("--json", action="store_true", help="print one JSON object")
    _workspace_arg(geocode)
    geocode.set_defaults(func=_cmd_geocode)

    export = sub.add_parser("export", help="export contacts or the network to a file")
    export.add_argument(
        "--format", required=True, choices=["csv", "xlsx", "vcf", "gexf", "graphml"]
    )
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--countries", metavar="NL,DE", help="only these countries")
    export.add_argument("--org", metavar="ORG", help="the ego network of ORG (id or name)")
    export.add_argument("--depth", type=int, default=1, choices=[1, 2])
    export.add_argument("--shortlist", metavar="NAME", help="the organisations of a shortlist")
    export.add_argument("--json", action="store_true", help="print one JSON object")
    _workspace_arg(export)
    export.set_defaults(func=_cmd_export)

    imp = sub.add_parser("import", help="import CORDIS, keep.eu, a data package or any table")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", required=True, choices=["cordis", "keep", "package", "table"])
    imp.add_argument("--mapping", metavar="M.json", help="column mapping for --format table")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    _workspace_arg(imp)
    imp.set_defaults(func=_cmd_import)

    sug = sub.add_parser("suggest", help="suggest partners for an organisation, with reasons")
    sug.add_argument("org", metavar="ORG", help="id, name, or unambiguous part of a name")
    sug.add_argument("--top", type=int, default=10)
    sug.add_argument("--json", action="store_true", help="print a JSON list")
    _workspace_arg(sug)
    sug.set_defaults(func=_cmd_suggest)

    ev = sub.add_parser("evaluate", help="backtest the suggestions on a participation file")
    ev.add_argument("--participations", required=True, metavar="FILE")
    ev.add_argument("--org-col", default="pic")
    ev.add_argument("--project-col", default="rcn")
    ev.add_argument("--date-col", default="start_date")
    ev.add_argument("--cutoffs", default="2017,2018,2019", metavar="Y,Y,...")
    ev.add_argument("--window", type=int, default=3)
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    _workspace_arg(ev)
    ev.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AmbiguousError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for match_id, name in exc.matches:
            print(f"  {match_id}\t{name}", file=sys.stderr)
        return 2
    except (DataError, WorkspaceError, NotFoundError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
