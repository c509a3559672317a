"""The chat channels FinSight speaks (a third is one more name here, a sender adapter and a webhook), and the
error a channel's routes answer while it has no credentials."""

from __future__ import annotations

from typing import Literal

from finsight.platform.errors import ServiceUnavailableError

Channel = Literal["whatsapp", "telegram"]
WHATSAPP: Channel = "whatsapp"
TELEGRAM: Channel = "telegram"
CHANNEL_NAMES: dict[str, str] = {WHATSAPP: "WhatsApp", TELEGRAM: "Telegram"}


class ChannelOffError(ServiceUnavailableError):
    default_message = "This chat channel is not available on this server yet."

    @classmethod
    def of(cls, channel: str) -> ChannelOffError:
        return cls(f"{CHANNEL_NAMES[channel]} is not available on this server yet.")
