"""Request and response models (pydantic) shared by the functions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IdentifiedModel(BaseModel):
    """A response object whose id is rendered as MongoDB's `_id` (API.md)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", serialization_alias="_id")
