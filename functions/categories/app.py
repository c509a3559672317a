"""GET /api/transactions/categories: the fixed list of expense categories (public)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from finsight.http import Router, Success, create_app, http_handler, success
from finsight.transactions.categories import Category, list_categories

router = Router()


@router.get(
    "/api/transactions/categories",
    summary="List expense categories",
    description="The fixed list of categories a transaction or budget can use (exact spelling).",
    tags=["Transactions"],
)
def get_categories() -> Success[list[Category]]:
    return success(list_categories())


app = create_app(router)
lambda_handler = http_handler(app)
