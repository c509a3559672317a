"""Ids: MongoDB ObjectIds as the API and the queue messages spell them (24 hexadecimal characters)."""

from __future__ import annotations

import hashlib

from bson import ObjectId
from bson.errors import InvalidId
from pydantic import BaseModel, ConfigDict, Field

from finsight.platform.errors import BadRequestError

OBJECT_ID_PATTERN = r"^[0-9a-f]{24}$"  # ids in queue messages


class ApiModel(BaseModel):
    """Base of the request and response models: each builds its validator on first use, so a function
    builds only the models its routes use (a module of models costs 1-7 ms of cold start otherwise)."""

    model_config = ConfigDict(defer_build=True)


def derived_object_id(key: str) -> ObjectId:
    """The same ObjectId for the same `key`: ids of what a job makes, so a redelivery makes nothing twice."""
    return ObjectId(hashlib.sha256(key.encode()).hexdigest()[:24])


class IdentifiedModel(ApiModel):
    """A response object whose id is rendered as MongoDB's `_id` (API.md)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", serialization_alias="_id")


def object_id(value: str) -> ObjectId | None:
    """The ObjectId a 24-hex string names, or None when it is not one (12-character strings, which
    ObjectId would read as raw bytes, included)."""
    if not isinstance(value, str) or len(value) != 24:
        return None
    try:
        return ObjectId(value)
    except InvalidId:
        return None


class MalformedIdError(BadRequestError):
    """A path parameter that should name an object is not 24 hexadecimal characters."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Malformed {what} id: expected 24 hexadecimal characters.")


def required_object_id(value: str, what: str) -> ObjectId:
    """The ObjectId a path parameter names; a 400 naming `what` ("transaction") when it is not 24 hex characters."""
    oid = object_id(value)
    if oid is None:
        raise MalformedIdError(what)
    return oid
