"""The API's `$default` route: a request no other route matches gets the 404 envelope, or 405 with `Allow`
when its path exists with other methods (`finsight.http.spec`, from the spec in the layer)."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from finsight.http import create_app, http_handler

app = create_app()
lambda_handler = http_handler(app)
