"""`python -m operator_bot`: the operator bot on OPERATOR_BOT_PORT (8087)."""

from service_kit.runner import serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        create_app(settings),
        service="operator-bot",
        host=settings.http_host,
        port=settings.operator_bot_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
