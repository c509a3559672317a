"""GET /api/transactions/categories: the category names a transaction or budget can use (public; with a token,
the caller's own list)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from finsight.http import Router, Success, create_app, documented_errors, http_handler, success
from finsight.transactions.categories import list_categories

router = Router()


@router.get(
    "/api/transactions/categories",
    summary="List expense categories",
    description=(
        "Without a token: the twelve default categories (exact spelling). With your token: your list, as you "
        "renamed, hid and added to it (sub-categories after their parent). Manage it at /api/categories."
    ),
    tags=["Transactions"],
    responses=documented_errors(401),
)
def get_categories() -> Success[list[str]]:
    headers = router.current_event.headers
    sent = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    if not sent.strip().lower().startswith("bearer"):  # no token (an empty or other header is no token either)
        return success([category.value for category in list_categories()])
    # A signed-in caller: the token is checked (401 when it is not a valid access token, so the client refreshes)
    # and their list read; the public call loads neither the database driver nor the token code.
    from finsight.accounts.principal import authenticate_headers  # noqa: PLC0415
    from finsight.categories.service import effective_names  # noqa: PLC0415

    return success(effective_names(authenticate_headers(headers).user_id))


app = create_app(router)
lambda_handler = http_handler(app)
