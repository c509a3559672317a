"""Requests and responses of linking a chat account (API.md: the web client's "Link WhatsApp"; Telegram's deep
link), and the part of a Telegram update the bot reads."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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


class TelegramLink(ApiModel):
    link: str = Field(description="https://t.me/<bot>?start=<token>: opening it in Telegram links that chat")
    expires_in_minutes: int


class TelegramChat(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: int
    type: str


class TelegramMessage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    message_id: int
    chat: TelegramChat
    text: str | None = None  # absent for photos, stickers, voice notes


class TelegramUpdate(BaseModel):
    """The part of Telegram's Update the bot reads (the rest of Telegram's fields are ignored)."""

    model_config = ConfigDict(defer_build=True)

    update_id: int
    message: TelegramMessage | None = None
