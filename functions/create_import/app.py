"""POST /api/imports: a new statement import and a presigned form that uploads its file straight to S3."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.imports.models import CreateImportRequest, ImportCreated
from finsight.imports.service import create_import

router = Router()


@router.post(
    "/api/imports",
    status_code=201,
    summary="Start a statement import",
    description=(
        "Declare the file ({filename, content_type, size}: a .csv, .ofx, .qfx or .qif of at most 10 MB); the "
        "answer is a form to POST it to (multipart/form-data: the fields as given, then the file as 'file'), "
        "valid 15 minutes, for that size and type only. The upload starts the import: follow it with "
        "GET /api/imports/{import_id}. 429 after 30 imports in an hour."
    ),
    tags=["Imports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 429, 503),
)
def post_import(
    body: CreateImportRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[ImportCreated]:
    return success(create_import(principal, body.filename, body.content_type, body.size))


app = create_app(router)
lambda_handler = http_handler(app)
