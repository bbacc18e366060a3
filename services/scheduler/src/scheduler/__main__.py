"""`python -m scheduler`: the scheduler on SCHEDULER_PORT (8082)."""

from service_kit.runner import serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        create_app(settings),
        service="scheduler",
        host=settings.http_host,
        port=settings.scheduler_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
