"""What statement imports read: the largest file, how long an upload form works, how long one run of the import
function may hold an import (its timeout). The bucket is a resource (`finsight.platform.resources`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from finsight.platform.config import EnvironmentSettings, settings_reader


class ImportSettings(EnvironmentSettings):
    import_max_bytes: Annotated[int, Field(ge=1, le=10 * 1024 * 1024)] = 10 * 1024 * 1024
    import_upload_expiry_seconds: Annotated[int, Field(ge=60, le=3_600)] = 900
    import_lease_seconds: Annotated[int, Field(ge=30, le=900)] = 300


import_settings = settings_reader(ImportSettings)
