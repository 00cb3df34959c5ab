"""Command line: ``python -m knowledge_base validate|build|search``.

- ``validate``: check every directory file and the money facts (``money/facts.yml``); errors
  exit 1, warnings are listed.
- ``build``: (re)build the dense index under ``var/index/`` when the directory changed.
- ``search "<text>" [--country XX] [--service S] [--lang id|en] [--k N] [--json]``:
  the stable interface of ``shared/spec/referral_schema.md``.

Bad arguments exit 2 with a one-line message.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge_base.directory import (
    DEFAULT_DIR,
    DirectoryError,
    check_directory,
    load_directory,
    load_problem_services,
)
from knowledge_base.money.facts import FACTS_PATH, MoneyFactsError, build_money_facts, read_document
from knowledge_base.money.lookups import check_lookups
from knowledge_base.money.validation import validate_money_document
from knowledge_base.vocabulary import COUNTRY_NAMES

logger = logging.getLogger(__name__)

#: The command refuses longer queries (the library cuts them instead).
MAX_CLI_QUERY_CHARS = 1000


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"knowledge_base: error: {message}\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m knowledge_base", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--directory", type=Path, default=DEFAULT_DIR, help="directory folder or file"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="check the directory files and the money facts")
    v.add_argument("--quiet", action="store_true", help="do not list warnings")
    v.add_argument(
        "--money-facts", type=Path, default=FACTS_PATH, help="the money facts file to check"
    )

    b = sub.add_parser("build", help="build the search index when the directory changed")
    b.add_argument("--force", action="store_true", help="rebuild even if up to date")
    b.add_argument("--index-dir", type=Path, default=None, help="where to write the index")
    b.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    s = sub.add_parser("search", help="search the directory")
    s.add_argument("query", help="free text, Indonesian or English")
    s.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. MY")
    s.add_argument("--service", help="a service from the schema vocabulary")
    s.add_argument("--lang", help="id or en")
    s.add_argument("--k", type=int, default=3, help="number of results (1-50)")
    s.add_argument("--mode", default="hybrid", help="hybrid, dense, lexical or rrf")
    s.add_argument("--json", action="store_true", help="print a JSON array")
    return parser


def _validate(args: argparse.Namespace) -> int:
    try:
        issues, raws = check_directory(args.directory)
    except DirectoryError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    try:
        load_problem_services()
    except DirectoryError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    for issue in errors:
        print(issue, file=sys.stderr)
    if warnings and not args.quiet:
        stale = sorted({i.entry_id or "" for i in warnings if "over 12 months" in i.message})
        undated = sum(1 for i in warnings if "undated" in i.message)
        for issue in warnings:
            print(issue)
        print(
            f"{len(stale)} entries last verified over 12 months ago; "
            f"{undated} channels with undated sources."
        )
    print(f"{len(raws)} entries checked: {len(errors)} error(s), {len(warnings)} warning(s).")
    money_errors = _validate_money(args.money_facts)
    return 1 if errors or money_errors else 0


def _validate_money(path: Path) -> int:
    """Check the money facts file and what the money help reads from it; return the errors."""
    try:
        document = read_document(path)
    except MoneyFactsError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    issues = validate_money_document(str(path), document)
    errors = [str(i) for i in issues if i.severity == "error"]
    if not errors:
        errors = [f"ERROR {path}: {p}" for p in check_lookups(build_money_facts(document))]
    for line in errors:
        print(line, file=sys.stderr)
    count = (
        len(document["facts"])
        if isinstance(document, dict) and isinstance(document.get("facts"), list)
        else 0
    )
    print(f"{count} money facts checked: {len(errors)} error(s).")
    return len(errors)


def _build(args: argparse.Namespace) -> int:
    from knowledge_base.embedding import ensure_onnx
    from knowledge_base.index import build_dense_index, index_dir_for, is_stale

    try:
        directory = load_directory(args.directory)
    except DirectoryError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    index_dir = args.index_dir or index_dir_for(directory)
    if index_dir is None:
        print(
            "ERROR only the shipped directory has a default index folder; give --index-dir",
            file=sys.stderr,
        )
        return 2
    onnx_path, agreement = ensure_onnx()
    if agreement is not None:
        print(
            f"Exported the embedding model to ONNX (cosine to torch {agreement:.6f}): {onnx_path}"
        )
    if not args.force and not is_stale(directory, index_dir):
        print(f"Index up to date ({len(directory)} entries, {index_dir}).")
        return 0
    built = build_dense_index(directory, index_dir=index_dir, show_progress=not args.no_progress)
    print(
        f"Built {built.meta['index_type']} index: {len(directory)} entries, "
        f"{len(built.vector_entry)} vectors in {built.meta['build_seconds']}s -> {index_dir}"
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    from knowledge_base.search import SearchError, check_arguments, search

    query = args.query or ""
    if len(query) > MAX_CLI_QUERY_CHARS:
        print(
            f"knowledge_base: error: query is {len(query)} characters; at most "
            f"{MAX_CLI_QUERY_CHARS} allowed",
            file=sys.stderr,
        )
        return 2
    try:
        country, service, lang = check_arguments(
            country=args.country, service=args.service, lang=args.lang, k=args.k
        )
    except SearchError as exc:
        print(f"knowledge_base: error: {exc}", file=sys.stderr)
        return 2
    if country and country not in COUNTRY_NAMES:
        print(
            f"knowledge_base: error: unknown country code {country!r}; known: "
            f"{', '.join(sorted(COUNTRY_NAMES))}",
            file=sys.stderr,
        )
        return 2
    if not query.strip() and not (country or service):
        print(
            "knowledge_base: error: the query is empty (give text, --country or --service)",
            file=sys.stderr,
        )
        return 2
    try:
        directory = load_directory(args.directory)
        results = search(
            query,
            country=country,
            service=service,
            lang=lang,
            k=args.k,
            directory=directory,
            mode=args.mode,
        )
    except DirectoryError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 1
    except SearchError as exc:
        print(f"knowledge_base: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False))
    else:
        for r in results:
            e = r.entry
            print(f"{r.score:.3f}  {e.id:32s} {e.kind:20s} {','.join(e.countries)}  {e.name['en']}")
        if not results:
            print("No result.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "build":
        return _build(args)
    return _search(args)
