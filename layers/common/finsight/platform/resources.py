"""The AWS resources a function is wired to by the template: queues, the event bus, the import bucket, the mail
sender. Unset locally until the local stack (or a test) creates them; a function that needs one and lacks it
fails with a ConfigurationError naming the variable (`required_setting`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from finsight.platform.config import EnvironmentSettings, settings_reader


class ResourceSettings(EnvironmentSettings):
    # The AI queue (entries and summaries), the mail queue, the queue that resumes an import once its columns are
    # mapped, the queue of exports, and the queue of webhook deliveries.
    queue_url: str | None = None
    mail_queue_url: str | None = None
    import_queue_url: str | None = None
    export_queue_url: str | None = None
    webhook_queue_url: str | None = None
    # The EventBridge bus the outbox of domain events is published to.
    event_bus_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]{1,256}$")] | None = None
    # The private bucket statement files are uploaded to (presigned POST, straight from the client).
    import_bucket: str | None = None
    mail_from: Annotated[str, Field(min_length=3, max_length=320)] = "FinSight <no-reply@finsight.local>"


resource_settings = settings_reader(ResourceSettings)
