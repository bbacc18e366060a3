"""`python -m dispatcher_whatsapp`: on DISPATCHER_WHATSAPP_PORT (8084)."""

from service_kit.runner import build_or_exit, serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        build_or_exit("dispatcher-whatsapp", lambda: create_app(settings)),
        service="dispatcher-whatsapp",
        host=settings.http_host,
        port=settings.dispatcher_whatsapp_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
