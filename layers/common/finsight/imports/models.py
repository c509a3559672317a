"""Requests and responses of statement imports (POST/GET/DELETE /api/imports, PUT …/mapping)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from finsight.platform.ids import ApiModel, IdentifiedModel

MAX_FILE_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".csv", ".txt", ".ofx", ".qfx", ".qif")
CONTENT_TYPES = (
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",  # what Windows browsers call a .csv
    "application/x-ofx",
    "application/ofx",
    "application/vnd.intu.qfx",
    "application/x-qfx",
    "application/qif",
    "application/x-qif",
    "application/octet-stream",  # what browsers send for .ofx, .qfx and .qif
)
ImportStatusName = Literal["awaiting_upload", "uploaded", "processing", "needs_mapping", "completed", "failed"]
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CreateImportRequest(ApiModel):
    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    content_type: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=100)]
    size: int = Field(gt=0, le=MAX_FILE_BYTES, description="The file's size in bytes (at most 10 MB)")

    @model_validator(mode="after")
    def _a_statement_file(self) -> Self:
        if not self.filename.lower().endswith(EXTENSIONS):
            raise ValueError("filename: a statement is a .csv, .ofx, .qfx or .qif file")
        if self.content_type.split(";")[0].strip() not in CONTENT_TYPES:
            raise ValueError("content_type: a statement is text/csv, application/x-ofx or application/qif")
        return self


class UploadForm(ApiModel):
    url: str = Field(description="POST the file here as multipart/form-data")
    fields: dict[str, str] = Field(description="Form fields to send first, as given; the file goes last, as 'file'")


class ImportCreated(ApiModel):
    import_id: str
    upload: UploadForm
    expires_in_seconds: int


class MappingRequest(ApiModel):
    """Which of the file's columns hold what: `amount` (signed, negative = money out) or `debit` and `credit`."""

    date: ColumnName
    description: ColumnName
    amount: ColumnName | None = None
    debit: ColumnName | None = None
    credit: ColumnName | None = None
    currency: ColumnName | None = None
    date_format: Literal["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY"] | None = None

    @model_validator(mode="after")
    def _an_amount(self) -> Self:
        if self.amount is None and (self.debit is None or self.credit is None):
            raise ValueError("give amount, or both debit and credit")
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            raise ValueError("give amount, or debit and credit, not both")
        return self


class InvalidRow(ApiModel):
    row: int
    reason: str


class ImportView(IdentifiedModel):
    """An import as its owner sees it."""

    import_id: str
    filename: str
    status: ImportStatusName
    format: str | None = None
    rows_total: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0
    rows_skipped_income: int = 0
    rows_skipped: int = Field(default=0, description="Rows the bank marks pending, reverted or declined")
    rows_invalid: list[InvalidRow] = Field(default_factory=list, description="The first 50, with their reasons")
    rows_invalid_count: int = 0
    mapping: dict[str, Any] | None = None
    columns: list[str] | None = Field(default=None, description="The file's columns, when it needs a mapping")
    sample: list[list[str]] | None = Field(default=None, description="Its first rows, when it needs a mapping")
    failure_reason: str | None = None
    created_at: str
    updated_at: str


class ResumeImport(ApiModel):
    """The import queue's message: a mapped import to run again (read by the import function)."""

    import_id: str
    user_id: str
