"""PUT /api/imports/{import_id}/mapping: name the columns of a CSV the import could not map; it resumes."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success
from finsight.imports.models import ImportView, MappingRequest
from finsight.imports.service import map_import

router = Router()


@router.put(
    "/api/imports/<import_id>/mapping",
    summary="Map an import's columns",
    description=(
        "{date, description, amount | debit + credit, currency?, date_format?}: the file's own column names "
        "(GET shows them). Only for an import in needs_mapping (409 otherwise); it resumes at once."
    ),
    tags=["Imports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409, 503),
)
def put_mapping(
    import_id: str, body: MappingRequest, principal: Annotated[Principal, Depends(current_user)]
) -> Success[ImportView]:
    return success(map_import(principal, import_id, body))


app = create_app(router)
lambda_handler = http_handler(app)
