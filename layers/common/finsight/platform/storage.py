"""The statement bucket (S3): presigned uploads straight from the client, reading an uploaded file, removing
one; exports written and handed out through presigned links. One lazily created boto3 client per execution
environment."""

from __future__ import annotations

from typing import Any

from finsight.platform.clients import aws_client, cached
from finsight.platform.config import required_setting
from finsight.platform.resources import resource_settings


@cached
def s3_client() -> Any:
    """The shared S3 client (signature v4, so presigned forms work in every region)."""
    return aws_client("s3", read_timeout=10, attempts=3, signature_version="s3v4")


def import_bucket() -> str:
    return required_setting(resource_settings().import_bucket, "IMPORT_BUCKET")


def presigned_upload(key: str, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
    """A form that lets its holder POST one file to `key`: at most `max_bytes`, of `content_type`, for
    `expires_in` seconds ({url, fields}: the fields go first in the multipart form, the file last)."""
    form: dict[str, Any] = s3_client().generate_presigned_post(
        Bucket=import_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
        ExpiresIn=expires_in,
    )
    return {"url": form["url"], "fields": form["fields"]}


class ObjectTooLargeError(Exception):
    pass


def read_object(bucket: str, key: str, max_bytes: int) -> bytes:
    """The object's bytes; ObjectTooLargeError past `max_bytes` (read no further)."""
    response = s3_client().get_object(Bucket=bucket, Key=key)
    if int(response.get("ContentLength") or 0) > max_bytes:
        response["Body"].close()
        raise ObjectTooLargeError(key)
    data: bytes = response["Body"].read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ObjectTooLargeError(key)
    return data


def delete_object(bucket: str, key: str) -> None:
    s3_client().delete_object(Bucket=bucket, Key=key)


def write_object(bucket: str, key: str, data: bytes, content_type: str) -> None:
    s3_client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)


def download_link(bucket: str, key: str, expires_in: int, filename: str) -> str:
    """A presigned GET of the object that saves it as `filename`, valid `expires_in` seconds."""
    return str(
        s3_client().generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{filename}"'},
            ExpiresIn=expires_in,
        )
    )
