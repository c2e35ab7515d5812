"""The `auditbook` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_RUBRICS = Path("rubrics")


def _validate(args: argparse.Namespace) -> int:
    from .validate import check_paths, summary

    paths = args.paths or [DEFAULT_RUBRICS]
    loaded, problems = check_paths(paths)
    if problems:
        for p in problems:
            print(p)
        n_files = len({p.file for p in problems})
        print(f"{len(problems)} problem(s) in {n_files} file(s)", file=sys.stderr)
        return 1
    if not loaded:
        print(f"no rubric files found in {', '.join(map(str, paths))}", file=sys.stderr)
        return 1
    for path, doc in loaded:
        print(f"{path}: {summary(doc)}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import schema_json

    text = schema_json()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auditbook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check rubric files and report every problem")
    p.add_argument("paths", nargs="*", help="rubric files or folders (default: rubrics/)")
    p.set_defaults(func=_validate)
    p = sub.add_parser("schema", help="print the JSON Schema of the rubric format")
    p.add_argument("--out", help="write it to this file instead")
    p.set_defaults(func=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
