"""`make setup-telegram`: register the bot's webhook with Telegram (setWebhook), with its secret, and show
what Telegram now has (getWebhookInfo).

Telegram then POSTs every message to <API URL>/webhook/telegram with the secret in
X-Telegram-Bot-Api-Secret-Token; the webhook answers 403 to anything without it. Only `message` updates are
asked for. The bot's token and the secret come from TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET, or, with
--from-ssm, from the SSM parameters the stack reads (the template's TelegramBotTokenParameterName and
TelegramWebhookSecretParameterName; AWS credentials of your own). Without either, the local defaults of
`make run` are used, against its stand-in for Telegram's API.

    python -m dev.setup_telegram --api-url https://api.example.com --telegram https://api.telegram.org --from-ssm
    python -m dev.setup_telegram   # make run's gateway and Telegram stand-in (PORT + 2)
"""

from __future__ import annotations

import argparse
import os
import sys

from dev.chat import call
from dev.localapi.stack import LOCAL_TELEGRAM
from dev.localapi.template import load_template


def default_parameter(name: str) -> str:
    """The template's default for one of its parameters (the SSM names a stage's stack reads)."""
    return str(load_template().raw["Parameters"][name]["Default"])


def from_ssm(token_parameter: str, secret_parameter: str) -> tuple[str, str]:
    import boto3

    ssm = boto3.client("ssm")
    read = [
        ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        for name in (token_parameter, secret_parameter)
    ]
    return read[0], read[1]


def set_webhook(telegram: str, token: str, secret: str, api_url: str) -> dict[str, object]:
    """setWebhook, then getWebhookInfo's result; exits with Telegram's description when it refuses."""
    base = f"{telegram.rstrip('/')}/bot{token}"
    body = {
        "url": f"{api_url.rstrip('/')}/webhook/telegram",
        "secret_token": secret,
        "allowed_updates": ["message"],
    }
    status, answer = call("POST", f"{base}/setWebhook", body=body)
    if status != 200 or not isinstance(answer, dict) or not answer.get("ok"):
        description = answer.get("description") if isinstance(answer, dict) else answer
        sys.exit(f"Telegram refused the webhook ({status}): {description}")
    status, info = call("POST", f"{base}/getWebhookInfo", body={})
    if status != 200 or not isinstance(info, dict):
        sys.exit(f"Telegram did not show the webhook ({status}): {info}")
    return dict(info["result"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    port = int(os.environ.get("PORT") or 5000)
    parser.add_argument("--api-url", default=os.environ.get("PUBLIC_API_URL") or f"http://127.0.0.1:{port}")
    parser.add_argument("--telegram", default=os.environ.get("TELEGRAM_API_URL") or f"http://127.0.0.1:{port + 2}")
    parser.add_argument("--from-ssm", action="store_true", help="read the token and the secret from SSM")
    parser.add_argument("--token-parameter", default=default_parameter("TelegramBotTokenParameterName"))
    parser.add_argument("--secret-parameter", default=default_parameter("TelegramWebhookSecretParameterName"))
    args = parser.parse_args()
    if args.from_ssm:
        token, secret = from_ssm(args.token_parameter, args.secret_parameter)
    else:
        token = os.environ.get("TELEGRAM_BOT_TOKEN") or LOCAL_TELEGRAM["TELEGRAM_BOT_TOKEN"]
        secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or LOCAL_TELEGRAM["TELEGRAM_WEBHOOK_SECRET"]
    info = set_webhook(args.telegram, token, secret, args.api_url)
    updates = info.get("allowed_updates")
    print(
        f"Telegram webhook: {info.get('url')} (secret set: {info.get('has_secret_token')}, "
        f"updates: {', '.join(updates) if isinstance(updates, list) and updates else 'all'})"
    )


if __name__ == "__main__":
    main()
