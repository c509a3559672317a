"""Outbound email behind a small interface; SES in AWS (and moto's SES locally)."""

from __future__ import annotations

from typing import Any, Protocol

from finsight.platform.clients import cached
from finsight.platform.observability import trace_calls_of
from finsight.platform.resources import resource_settings


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, text: str) -> None: ...


class SesMailer:
    """Sends plain-text mail through Amazon SES from the configured MAIL_FROM."""

    def __init__(self, client: Any, sender: str) -> None:
        self._client = client
        self._sender = sender

    def send(self, *, to: str, subject: str, text: str) -> None:
        self._client.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )


@cached
def get_mailer() -> Mailer:
    """The mailer of this execution environment, created on first use."""
    import boto3  # noqa: PLC0415 - only the function that sends mail pays for boto3

    trace_calls_of("botocore")
    return SesMailer(boto3.client("ses"), resource_settings().mail_from)
