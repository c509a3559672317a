"""The one registry of job types on the AI queue: every message reads back as its own type."""

from __future__ import annotations

import json
from typing import Literal, get_args, get_origin

import pydantic
import pytest
from bson import ObjectId

from finsight.jobs.lifecycle import JobMessage, JobType
from finsight.jobs.registry import JOB_TYPES, read_job


def a_message_of(job_type: JobType[JobMessage]) -> JobMessage:
    """Every field filled: a literal with its value, an id or a text with an ObjectId's hex (a list: one)."""

    def value(annotation: object) -> object:
        if get_origin(annotation) is Literal:
            return get_args(annotation)[0]
        return [str(ObjectId())] if get_origin(annotation) is list else str(ObjectId())

    values = {name: value(field.annotation) for name, field in job_type.message.model_fields.items() if name != "type"}
    return job_type.message(**values)


@pytest.mark.parametrize("job_type", JOB_TYPES, ids=[job_type.tag for job_type in JOB_TYPES])
def test_a_message_reads_back_as_its_type(job_type: JobType[JobMessage]) -> None:
    message = a_message_of(job_type)
    assert json.loads(message.model_dump_json())["type"] == job_type.tag
    found_type, job = read_job(message.model_dump_json())
    assert (found_type, job) == (job_type, message)


def test_the_job_types_are_told_apart_by_distinct_tags_metrics_and_counts() -> None:
    for attribute in ("tag", "metric", "plural"):
        values = [getattr(job_type, attribute) for job_type in JOB_TYPES]
        assert len(set(values)) == len(values), attribute


def test_a_message_without_a_type_is_an_expense_entry_queued_before_summaries_existed() -> None:
    ids = {"transaction_id": str(ObjectId()), "user_id": str(ObjectId())}
    job_type, job = read_job(json.dumps(ids))
    assert (job_type.tag, job.model_dump(exclude={"type"})) == ("parse_expense", ids)


@pytest.mark.parametrize(
    "body",
    [
        '{"type": "launch_rockets", "user_id": "0123456789abcdef01234567"}',
        "[]",
        "not json",
        '{"type": "parse_expense"}',
    ],
)
def test_anything_else_is_refused(body: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        read_job(body)
