"""The `chat_link_codes` collection (one pending code per user and channel, stored hashed) and `chat_links`
(which account a chat address belongs to: its `_id` is the address, so no address has two owners)."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.platform.db import Document


def _code_id(channel: str, user_id: str) -> str:
    return f"{channel}:{user_id}"


def _link_id(channel: str, address: str) -> str:
    return f"{channel}:{address}"


class LinkCodeRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._codes = database["chat_link_codes"]

    def replace(self, channel: str, user_id: str, *, address: str, code_hash: str, expires_at: datetime) -> None:
        """The user's new code for `address` (an earlier one stops working)."""
        self._codes.replace_one(
            {"_id": _code_id(channel, user_id)},
            {"address": address, "code_hash": code_hash, "expires_at": expires_at, "attempts": 0},
            upsert=True,
        )

    def take_attempt(self, channel: str, user_id: str, *, now: datetime, max_attempts: int) -> Document | None:
        """Count one check of the user's code first (so concurrent guesses cannot outrun the limit): the code
        with the attempt counted, or None when there is no live code with tries left."""
        return self._codes.find_one_and_update(
            {"_id": _code_id(channel, user_id), "expires_at": {"$gt": now}, "attempts": {"$lt": max_attempts}},
            {"$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )

    def consume(self, channel: str, user_id: str, code_hash: str) -> bool:
        """Use the code up: True for exactly one caller, and only while it is still that code."""
        return self._codes.delete_one({"_id": _code_id(channel, user_id), "code_hash": code_hash}).deleted_count == 1

    def burn(self, channel: str, user_id: str) -> None:
        self._codes.delete_one({"_id": _code_id(channel, user_id)})


class ChatLinkRepository:
    def __init__(self, database: Database[Document]) -> None:
        self._links = database["chat_links"]

    def owner(self, channel: str, address: str) -> str | None:
        doc = self._links.find_one({"_id": _link_id(channel, address)}, {"user_id": 1})
        return None if doc is None else str(doc["user_id"])

    def link(self, channel: str, address: str, user_id: str) -> bool:
        """Give `address` to the user: False when another account has it (the address is the `_id`)."""
        try:
            self._links.insert_one(
                {
                    "_id": _link_id(channel, address),
                    "channel": channel,
                    "user_id": user_id,
                    "linked_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            return self.owner(channel, address) == user_id
        return True

    def with_alerts(self, channel: str) -> list[Document]:
        """Every link on the channel whose user has not turned budget alerts off."""
        return list(self._links.find({"channel": channel, "alerts": {"$ne": False}}))

    def set_alerts(self, channel: str, user_id: str, *, on: bool) -> bool:
        """Turn the user's budget alerts on the channel on or off; False when the user has no link there."""
        return (
            self._links.update_many({"channel": channel, "user_id": user_id}, {"$set": {"alerts": on}}).matched_count
            > 0
        )

    def unlink_user(self, channel: str, user_id: str, *, keep: str | None = None) -> None:
        """Drop the user's addresses on the channel, but `keep` (the one just linked)."""
        query: Document = {"channel": channel, "user_id": user_id}
        if keep is not None:
            query["_id"] = {"$ne": _link_id(channel, keep)}
        self._links.delete_many(query)
