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
from .errors import AmbiguousError, DataError, NotFoundError, WorkspaceError

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
    from .suggest import PARTS, build_index, index_frame, suggest

    with Workspace(args.workspace) as ws:
        chosen = list(dict.fromkeys(resolve_org(ws, o) for o in args.org))
        related = ws.related_ids(chosen)
        orgs = ws.organisations().set_index("id")
        parts = index_frame(ws.participations(), orgs)
    index = build_index(parts, orgs)
    missing = [o for o in chosen if o not in index.org_index]
    if args.for_call is None and len(chosen) > 1:
        msg = f"several organisations {args.org!r} need --for-call PROGRAMME[:THEME]"
        raise ValueError(msg)
    if len(missing) == len(chosen):
        names = [orgs.loc[o, "name"] for o in missing]
        msg = f"{names!r} have no project in the workspace to suggest from"
        raise ValueError(msg)
    if args.for_call is not None:
        from .complete import GROUPS, parse_call, suggest_for_call

        call = parse_call(args.for_call)
        result = suggest_for_call(index, chosen, call, top=args.top, exclude=related)
        columns = ["id", "name", "country", "type", "city", "score", *GROUPS, "why"]
        title = f"Suggested to complete {', '.join(orgs.loc[o, 'name'] for o in chosen)}"
        title += f" for {call.programme or 'any programme'}"
        title += f" ({call.label})" if call.label else ""
    else:
        result = suggest(index, chosen[0], top=args.top, exclude=related)
        columns = ["id", "name", "country", "type", "city", "score", *PARTS, "why"]
        title = f"Partners suggested for {orgs.loc[chosen[0], 'name']}"
    if args.json:
        records = result[columns].to_dict("records")
        _print([{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
                for r in records], as_json=True)  # fmt: skip
    else:
        print(f"{title}:")
        for rank, row in enumerate(result.itertuples(), start=1):
            print(f"{rank:>3}. {row.name} ({row.country}) score {row.score:.2f}\n     {row.why}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import Layout, evaluate_file, format_table

    cutoffs = [int(c) for c in args.cutoffs.split(",")] if args.cutoffs else None
    layout = Layout(org=args.org_col, project=args.project_col, date=args.date_col)
    if args.task == "consortium":
        from .evaluate_consortium import evaluate_consortium_file, format_consortium_table

        result = evaluate_consortium_file(
            args.participations, layout=layout, cutoffs=cutoffs or (2018, 2019), json=True
        )
        if args.bundled:
            from .evaluate_consortium import evaluate_bundled
            from .store import Workspace

            with Workspace(args.workspace) as ws:
                result["interreg_north_sea"] = evaluate_bundled(ws)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                json.dump(result, fh, indent=1)
        _print(result, as_json=True) if args.json else print(format_consortium_table(result))
        return 0
    result = evaluate_file(
        args.participations,
        layout=layout,
        cutoffs=cutoffs or (2017, 2018, 2019),
        window=args.window,
        json=True,
    )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
    if args.json:
        _print(result, as_json=True)
    else:
        print(format_table(result))
    return 0


def _print_problems(groups: list[dict], *, file=None) -> None:
    """Every kind of problem with its count and first rows, like a validation report."""
    for group in groups:
        print(
            f"{group['count']:>7,}  {group['problem']} (column {group['column']!r}) "
            f"-> {group['action']}",
            file=file,
        )
        for row in group["rows"][:5]:
            print(f"           {row['file']} row {row['row']}: {row['value']!r}", file=file)
        if group["count"] > 5:
            print(f"           … and {group['count'] - 5:,} more", file=file)


def _cmd_import(args: argparse.Namespace) -> int:
    from .importers import ImportProblemsError, run_import_cli
    from .store import Workspace

    with Workspace(args.workspace) as ws:
        try:
            report = run_import_cli(
                ws,
                args.files,
                format=args.format,
                mapping_path=args.mapping,
                on_error=args.on_error,
                rejected_path=args.rejected,
                dry_run=args.check,
            )
        except ImportProblemsError as exc:
            counts = [{k: g[k] for k in ("problem", "column", "action", "count")}
                      for g in exc.groups]  # fmt: skip
            if args.json:
                failed = {"status": "failed", "problems": exc.problems, "problem_counts": counts}
                _print(failed, as_json=True)
            else:
                print("error: nothing was imported; the problems, by kind:", file=sys.stderr)
                _print_problems(exc.groups, file=sys.stderr)
                print("import the valid rows with --on-error skip", file=sys.stderr)
            return 1
    if args.json:
        _print(report, as_json=True)
        return 0
    print(
        f"{report['origin']}: {report['status']} — rows read {report['rows_read']:,}, "
        f"imported {report['rows_imported']:,}, skipped {report['rows_skipped']:,}"
    )
    for table in ("organisations", "projects", "participations"):
        print(
            f"  {table}: {report['added'][table]:,} added, {report['updated'][table]:,} updated, "
            f"{report['merged'][table]:,} merged, {report['skipped'][table]:,} skipped"
        )
    if report["problem_counts"]:
        groups = [
            {**c, "rows": [r for r in report["problems"] if r["problem"] == c["problem"]
                           and r["column"] == c["column"]]}
            for c in report["problem_counts"]
        ]  # fmt: skip
        print("problems:")
        _print_problems(groups)
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    if report.get("rejected_file"):
        print(f"rejected rows written to {args.rejected}")
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

    from .importers import ON_ERROR, SOURCES

    imp = sub.add_parser("import", help="import CORDIS, keep.eu, a data package or any table")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", required=True, choices=[*SOURCES, "auto"])
    imp.add_argument("--mapping", metavar="M.json", help="column mapping for --format table")
    imp.add_argument(
        "--on-error",
        choices=ON_ERROR,
        default="raise",
        help="raise: any problem fails the import, listing them all (default); "
        "skip: import the valid rows, skip the others with their reason",
    )
    imp.add_argument(
        "--rejected", metavar="FILE", help="write the skipped rows as CSV with a problem column"
    )
    imp.add_argument("--check", action="store_true", help="check only: write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    _workspace_arg(imp)
    imp.set_defaults(func=_cmd_import)

    sug = sub.add_parser("suggest", help="suggest partners for an organisation, with reasons")
    sug.add_argument(
        "org", metavar="ORG", nargs="+", help="id, name, or unambiguous part of a name"
    )
    sug.add_argument(
        "--for-call",
        metavar="PROGRAMME[:THEME]",
        help="complete the consortium of ORG... for a call: a programme of the rules "
        "(e.g. interreg_north_sea, horizon_europe) and a theme (a priority or specific "
        "objective such as 2.2, a programme part such as SC3, or free text)",
    )
    sug.add_argument("--top", type=int, default=10)
    sug.add_argument("--json", action="store_true", help="print a JSON list")
    _workspace_arg(sug)
    sug.set_defaults(func=_cmd_suggest)

    ev = sub.add_parser("evaluate", help="backtest the suggestions on a participation file")
    ev.add_argument("--participations", required=True, metavar="FILE")
    ev.add_argument("--org-col", default="pic")
    ev.add_argument("--project-col", default="rcn")
    ev.add_argument("--date-col", default="start_date")
    ev.add_argument(
        "--task",
        choices=["pairs", "consortium"],
        default="pairs",
        help="pairs: new partners of one organisation; consortium: rebuild real consortia",
    )
    ev.add_argument(
        "--cutoffs",
        default=None,
        metavar="Y,Y,...",
        help="default 2017,2018,2019 (pairs) or 2018,2019 (consortium)",
    )
    ev.add_argument("--window", type=int, default=3)
    ev.add_argument(
        "--bundled",
        action="store_true",
        help="consortium task: also rebuild the workspace's Interreg North Sea 2021-2027 "
        "consortia from earlier periods (when it has 100+ projects)",
    )
    ev.add_argument("--out", metavar="FILE", help="also write the JSON result to FILE")
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
