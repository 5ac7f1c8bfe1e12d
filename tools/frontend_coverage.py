"""Which of the frontend's calls our URLconf answers: every method and path of
FRONTEND-CALLS.md (the list read from the legacy frontend's source) resolved against the
project's URLs, and the resolved view checked for a handler of that method.

    python -m tools.frontend_coverage [--calls ../shared/FRONTEND-CALLS.md] [--missing]

A resolved call is "routed", not proven: the whole-body tests of each app prove the shapes.
Written by hand: no maintained tool reads that list.
"""

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CALLS = Path(__file__).resolve().parent.parent.parent / "shared" / "FRONTEND-CALLS.md"
PARAMETER = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Call:
    domain: str
    method: str
    path: str


def read_calls(source: Path) -> list[Call]:
    calls = []
    for line in source.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[2].startswith("`"):
            continue
        calls.append(Call(domain=cells[0], method=cells[1].upper(), path=cells[2].strip("`")))
    return calls


def why_unserved(call: Call) -> str | None:
    """None when a view answers the call's method and path; else "404" or "405"."""
    from django.urls import Resolver404, resolve

    path = "/api" + PARAMETER.sub("1", call.path)
    for candidate in (path, path.rstrip("/") + "/"):
        try:
            match = resolve(candidate)
            break
        except Resolver404:
            continue
    else:
        return "404"
    view = match.func
    actions = getattr(view, "actions", None)
    if actions is not None:
        return None if call.method.lower() in actions else "405"
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is not None and not hasattr(view_class, call.method.lower()):
        return "405"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, default=DEFAULT_CALLS)
    parser.add_argument("--missing", action="store_true", help="list the calls not served")
    args = parser.parse_args(argv)
    if not args.calls.is_file():
        print(f"no list of calls at {args.calls}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
    import django

    django.setup()
    calls = read_calls(args.calls)
    unserved = [(call, reason) for call in calls if (reason := why_unserved(call)) is not None]
    by_domain: dict[str, list[int]] = {}
    for call in calls:
        counts = by_domain.setdefault(call.domain, [0, 0])
        counts[1] += 1
    for call, _ in unserved:
        by_domain[call.domain][0] += 1
    print(f"{len(calls) - len(unserved)} of {len(calls)} frontend calls routed")
    for domain, (missing, total) in sorted(by_domain.items()):
        if missing:
            print(f"  {domain}: {missing} of {total} missing")
    if args.missing:
        for call, reason in unserved:
            print(f"{reason} {call.method} {call.path} ({call.domain})")
    return 0 if not unserved else 1


if __name__ == "__main__":
    sys.exit(main())
