"""`make invoke FN=<function> EVENT=events/<file>.json`: what `sam local invoke -e` does, without Docker.

FN is a template logical id (`CategoriesFunction`) or a function folder name (`categories`). The
function runs in-process against the local stack (moto, mongomock unless MONGODB_URI is set).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from dev.localapi.stack import LocalStack


def resolve_function(stack: LocalStack, name: str) -> str:
    functions = stack.template.functions
    if name in functions:
        return name
    for logical_id, spec in functions.items():
        if spec.code_uri.name == name:
            return logical_id
    known = ", ".join(sorted(f"{spec.code_uri.name} ({lid})" for lid, spec in functions.items()))
    raise SystemExit(f"unknown function {name!r}; known: {known}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("function")
    parser.add_argument("event", type=Path, help="event JSON file, or - for standard input")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    event = json.load(sys.stdin) if str(args.event) == "-" else json.loads(args.event.read_text(encoding="utf-8"))
    with LocalStack() as stack:
        result = stack.invoke(resolve_function(stack, args.function), event)
    if result.error is not None:
        print(json.dumps({"errorType": type(result.error).__name__, "errorMessage": str(result.error)}))
        sys.exit(1)
    print(json.dumps(result.response, indent=2))


if __name__ == "__main__":
    main()
