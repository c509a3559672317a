"""Requests and responses of linking a chat account (API.md: the web client's "Link WhatsApp")."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from finsight.platform.ids import ApiModel


class SendWhatsappCodeRequest(ApiModel):
    whatsapp_number: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class VerifyWhatsappRequest(ApiModel):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")] = Field(
        description="The 6 digits sent to the number."
    )


class CodeSent(ApiModel):
    message: str
    expires_in_minutes: int
