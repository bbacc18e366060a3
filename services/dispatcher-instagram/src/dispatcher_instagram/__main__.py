"""`python -m dispatcher_instagram`: on DISPATCHER_INSTAGRAM_PORT (8085)."""

from service_kit.runner import build_or_exit, serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        build_or_exit("dispatcher-instagram", lambda: create_app(settings)),
        service="dispatcher-instagram",
        host=settings.http_host,
        port=settings.dispatcher_instagram_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
