"""A chat message as a job: what a provider's webhook puts on the AI queue for a linked sender, and the
`chat_inbound` record that makes a provider's retries one job (one per `MessageSid` / `update_id`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field
from pymongo.database import Database

from finsight.chat.channels import Channel
from finsight.jobs.lifecycle import JobMessage
from finsight.platform.db import Document, insert_once

INBOUND_TTL = timedelta(days=7)  # providers retry for hours at most


class ChatMessageJob(JobMessage):
    """The SQS message body of a chat message from a linked sender."""

    type: Literal["chat_message"] = "chat_message"
    channel: Channel
    message_id: str = Field(min_length=1, max_length=64)
    address: str = Field(min_length=1, max_length=64)  # the sender: E.164 for WhatsApp, the chat id for Telegram
    text: str = Field(max_length=4096)

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.message_id}"


class InboundRepository:
    """`chat_inbound`: one document per provider message id (and nothing of the message itself)."""

    def __init__(self, database: Database[Document]) -> None:
        self._inbound = database["chat_inbound"]

    def first_delivery(self, key: str) -> bool:
        """True the first time a provider delivers this message, False for its retries."""
        now = datetime.now(UTC)
        return insert_once(self._inbound, {"_id": key, "received_at": now, "expires_at": now + INBOUND_TTL})

    def forget(self, key: str) -> None:
        """The job was not queued: the provider's retry must count as a first delivery."""
        self._inbound.delete_one({"_id": key})

    def start_work(self, key: str) -> bool:
        """True for the one delivery that does the message's work (a command runs once, even redelivered)."""
        started = self._inbound.update_one({"_id": key, "working": {"$ne": True}}, {"$set": {"working": True}})
        return started.modified_count == 1

    def abandon_work(self, key: str) -> None:
        """The work failed (it raised): a redelivery does it."""
        self._inbound.update_one({"_id": key}, {"$set": {"working": False}})

    def save_reply(self, key: str, text: str) -> None:
        """What the work answered (the bot's own words), for a redelivery whose reply did not go out."""
        self._inbound.update_one({"_id": key}, {"$set": {"reply": text}})

    def saved_reply(self, key: str) -> str | None:
        doc = self._inbound.find_one({"_id": key}, {"reply": 1})
        return None if doc is None else doc.get("reply")

    def claim_reply(self, key: str) -> bool:
        """True for exactly one of the deliveries of a job that reach the reply."""
        claimed = self._inbound.update_one({"_id": key, "replied": {"$ne": True}}, {"$set": {"replied": True}})
        return claimed.modified_count == 1

    def release_reply(self, key: str) -> None:
        """The reply did not go out: a redelivery may send it."""
        self._inbound.update_one({"_id": key}, {"$set": {"replied": False}})
