"""Requests and responses of exports (POST /api/exports, GET /api/exports/{id})."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from finsight.platform.ids import ApiModel
from finsight.transactions.models import DateOrDateTime

ExportFormat = Literal["csv", "json"]


class CreateExportRequest(ApiModel):
    format: ExportFormat = Field(description="csv: your transactions; json: everything you own")
    start_date: DateOrDateTime | None = Field(default=None, description="Transactions from this day (your zone)")
    end_date: DateOrDateTime | None = Field(default=None, description="…through this day")


class ExportQueued(ApiModel):
    export_id: str


class ExportView(ApiModel):
    export_id: str
    format: ExportFormat
    status: Literal["queued", "processing", "completed", "failed"]
    rows: int | None = Field(default=None, description="Transactions in the file")
    download_url: str | None = Field(default=None, description="Once completed: a link that works 15 minutes")
    expires_in_seconds: int | None = None
    failure_reason: str | None = None
    created_at: str


class ExportJob(ApiModel):
    """The export queue's message (read by the export function)."""

    export_id: str
    user_id: str
