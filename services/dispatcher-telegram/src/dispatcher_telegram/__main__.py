"""`python -m dispatcher_telegram`: on DISPATCHER_TELEGRAM_PORT (8083)."""

from service_kit.runner import build_or_exit, serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        build_or_exit("dispatcher-telegram", lambda: create_app(settings)),
        service="dispatcher-telegram",
        host=settings.http_host,
        port=settings.dispatcher_telegram_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
