"""The `chat_link_codes` collection (one pending code per user and channel, stored hashed), `chat_link_tokens`
(Telegram's one-time deep-link tokens, stored hashed) and `chat_links` (which account a chat address belongs
to: its `_id` is the address, so no address has two owners)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from finsight.accounts.users import UserRecord, UserRepository
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


class LinkTokenRepository:
    """One live deep-link token per user and channel; its `_id` is the token's keyed hash."""

    def __init__(self, database: Database[Document]) -> None:
        self._tokens = database["chat_link_tokens"]

    def replace(self, channel: str, user_id: str, *, token_hash: str, expires_at: datetime) -> None:
        """The user's new token (an earlier one stops working)."""
        self._tokens.delete_many({"channel": channel, "user_id": user_id})
        self._tokens.insert_one({"_id": token_hash, "channel": channel, "user_id": user_id, "expires_at": expires_at})

    def consume(self, channel: str, token_hash: str, *, now: datetime) -> str | None:
        """Use a live token up: its user for exactly one caller, None for an unknown, used or expired token."""
        doc = self._tokens.find_one_and_delete({"_id": token_hash, "channel": channel, "expires_at": {"$gt": now}})
        return None if doc is None else str(doc["user_id"])

    def burn(self, channel: str, user_id: str) -> None:
        self._tokens.delete_many({"channel": channel, "user_id": user_id})


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

    def of_user(self, user_id: str) -> list[Document]:
        """Every chat address the user has linked, on every channel."""
        return list(self._links.find({"user_id": user_id}))

    def with_weekly(self, channel: str) -> list[Document]:
        """Every link on the channel whose user turned the weekly digest on (it is off by default)."""
        return list(self._links.find({"channel": channel, "weekly": True}))

    def set_option(self, channel: str, user_id: str, option: Literal["alerts", "weekly"], *, on: bool) -> bool:
        """Turn one of the user's chat options on the channel on or off; False when the user has no link there."""
        updated = self._links.update_many({"channel": channel, "user_id": user_id}, {"$set": {option: on}})
        return updated.matched_count > 0

    def unlink_user(self, channel: str, user_id: str, *, keep: str | None = None) -> None:
        """Drop the user's addresses on the channel, but `keep` (the one just linked)."""
        query: Document = {"channel": channel, "user_id": user_id}
        if keep is not None:
            query["_id"] = {"$ne": _link_id(channel, keep)}
        self._links.delete_many(query)


def linked_users(database: Database[Document], links: list[Document]) -> Iterator[tuple[str, str, UserRecord]]:
    """Each link's id, its address and its user (a link whose user is gone is left out)."""
    users = UserRepository(database)
    for link in links:
        user = users.get(str(link["user_id"]))
        if user is not None:
            link_id = str(link["_id"])
            yield link_id, link_id.split(":", 1)[1], user
