"""POST /api/auth/telegram-link: a one-time deep link to the bot; opening it in Telegram links that chat."""

from finsight.platform import coldstart  # noqa: F401 - first: no garbage collection while the function loads

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from finsight.accounts.principal import Principal, current_user
from finsight.chat.linking import telegram_link
from finsight.chat.models import TelegramLink
from finsight.http import BEARER_AUTH, Router, Success, create_app, documented_errors, http_handler, success

router = Router()


@router.post(
    "/api/auth/telegram-link",
    summary="Get a Telegram link",
    description=(
        "A https://t.me/<bot>?start=<token> link that works once, for 10 minutes: opening it in Telegram and "
        "pressing Start links that chat to your account (a chat linked before is unlinked). A new link replaces "
        "the previous one. 429 after 10 links in an hour, 503 when Telegram is off."
    ),
    tags=["Auth"],
    security=BEARER_AUTH,
    responses=documented_errors(401, 429, 503),
)
def post_telegram_link(principal: Annotated[Principal, Depends(current_user)]) -> Success[TelegramLink]:
    return success(telegram_link(principal))


app = create_app(router)
lambda_handler = http_handler(app)
