"""`python -m dev.localapi`: serve the API on http://127.0.0.1:5000 (PORT overrides) until Ctrl-C.

`ALLOWED_ORIGINS` (comma-separated) and `FRONTEND_URL` in the environment set the template's
`AllowedOrigins` and `FrontendUrl` parameters, so a browser client on another origin works with no other
step; `--parameter Name=Value` still wins.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from dev.localapi.gateway import Gateway
from dev.localapi.stack import LocalStack
from dev.localapi.template import TEMPLATE_PATH

DEFAULT_PORT = 5000  # the original service's; the web client itself runs on 3000
# Environment variables that set template parameters.
PARAMETERS_FROM_ENVIRONMENT = {"ALLOWED_ORIGINS": "AllowedOrigins", "FRONTEND_URL": "FrontendUrl"}


def parameter_overrides(environ: Mapping[str, str], explicit: list[str]) -> dict[str, str]:
    """Template parameters from the environment, then from `--parameter Name=Value` (which win)."""
    overrides = {
        parameter: environ[name].strip()
        for name, parameter in PARAMETERS_FROM_ENVIRONMENT.items()
        if environ.get(name, "").strip()
    }
    for item in explicit:
        name, value = item.split("=", 1)
        overrides[name] = value
    return overrides


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT))
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH)
    parser.add_argument(
        "--twilio-port", type=int, default=None, help="the stand-in for Twilio's API (default: the API's port + 1)"
    )
    parser.add_argument(
        "--telegram-port", type=int, default=None, help="the stand-in for Telegram's API (default: the API's port + 2)"
    )
    parser.add_argument(
        "--schedule-every-seconds",
        type=float,
        default=float(os.environ["SCHEDULE_EVERY_SECONDS"]) if os.environ.get("SCHEDULE_EVERY_SECONDS") else None,
        help="run every scheduled function this often (default: on its own rate, as EventBridge would)",
    )
    parser.add_argument(
        "--serial", action="store_true", help="one invocation at a time (default: concurrent, as in Lambda)"
    )
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE", help="override a template parameter"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("localapi").setLevel(logging.INFO)

    overrides = parameter_overrides(os.environ, args.parameter)
    twilio_port = args.twilio_port if args.twilio_port is not None else args.port + 1
    telegram_port = args.telegram_port if args.telegram_port is not None else args.port + 2
    stack = LocalStack(
        template_path=args.template,
        parameter_overrides=overrides,
        serial=args.serial,
        twilio_port=twilio_port,
        telegram_port=telegram_port,
        run_schedules=True,
        schedule_every_seconds=args.schedule_every_seconds,
    ).start()
    stack.load_all()
    gateway = Gateway(stack, args.host, args.port)
    database = "MongoDB at MONGODB_URI" if os.environ.get("MONGODB_URI") else "mongomock (in memory)"
    mode = "one request at a time" if args.serial else "concurrent requests"
    print(f"FinSight local API on {gateway.url}  (database: {database}; AWS: moto at {stack.endpoint_url}; {mode})")
    for route in stack.template.routes:
        print(f"  {route.route_key:<45} -> {route.function}")
    cors = stack.template.cors
    print(f"  Swagger UI: {gateway.url}/api/docs")
    print(f"  WhatsApp: Twilio's API played at {stack.twilio.url}; try the bot with make chat TEXT='chai 20'")
    print(
        f"  Telegram: the Bot API played at {stack.telegram.url}; make chat CHANNEL=telegram TEXT='chai 20', "
        "make setup-telegram registers the webhook"
    )
    every = f"every {args.schedule_every_seconds:g} s" if args.schedule_every_seconds else "on their own rates"
    print(f"  Scheduled functions run {every} (SCHEDULE_EVERY_SECONDS=N make run to run them more often)")
    for bucket in stack.template.buckets:
        print(f"  Imports: statements go to moto's S3 bucket {stack.bucket_name(bucket)}; its events run the import")
    print(f"  CORS origins: {', '.join(cors.allow_origins) if cors else '-'}", flush=True)
    try:
        gateway.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.stop()
        stack.stop()


if __name__ == "__main__":
    main()
