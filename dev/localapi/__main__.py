"""`python -m dev.localapi`: serve the API on http://127.0.0.1:3000 (PORT overrides) until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from dev.localapi.gateway import Gateway
from dev.localapi.stack import LocalStack
from dev.localapi.template import TEMPLATE_PATH


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH)
    parser.add_argument(
        "--serial", action="store_true", help="one invocation at a time (default: concurrent, as in Lambda)"
    )
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE", help="override a template parameter"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("localapi").setLevel(logging.INFO)

    overrides = dict(item.split("=", 1) for item in args.parameter)
    stack = LocalStack(template_path=args.template, parameter_overrides=overrides, serial=args.serial).start()
    stack.load_all()
    gateway = Gateway(stack, args.host, args.port)
    database = "MongoDB at MONGODB_URI" if os.environ.get("MONGODB_URI") else "mongomock (in memory)"
    mode = "one request at a time" if args.serial else "concurrent requests"
    print(f"FinSight local API on {gateway.url}  (database: {database}; AWS: moto at {stack.endpoint_url}; {mode})")
    for route in stack.template.routes:
        print(f"  {route.route_key:<45} -> {route.function}")
    print(f"  Swagger UI: {gateway.url}/api/docs", flush=True)
    try:
        gateway.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()
        stack.stop()


if __name__ == "__main__":
    main()
