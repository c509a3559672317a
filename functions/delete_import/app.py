"""DELETE /api/imports/{import_id}: undo an import — its transactions go, nothing else."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.http import (
    BEARER_AUTH,
    MessageResponse,
    Router,
    Success,
    create_app,
    documented_errors,
    http_handler,
    success,
)
from finsight.imports.service import delete_import

router = Router()


@router.delete(
    "/api/imports/<import_id>",
    summary="Undo an import",
    description="Its transactions are deleted (nothing else), then the import and its file. 409 while it runs.",
    tags=["Imports"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 404, 409),
)
def delete_one(import_id: str, principal: Annotated[Principal, Depends(current_user)]) -> Success[MessageResponse]:
    removed = delete_import(principal, import_id)
    noun = "transaction" if removed == 1 else "transactions"
    return success(MessageResponse(message=f"Import undone: {removed} {noun} deleted."))


app = create_app(router)
lambda_handler = http_handler(app)
