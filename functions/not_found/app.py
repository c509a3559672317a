"""The API's `$default` route: any request no other route matches gets the contract's 404 envelope."""

from finsight.http import create_app, http_handler

app = create_app()
lambda_handler = http_handler(app)
