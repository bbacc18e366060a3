"""`python -m audience_resolver`: the worker, with /health and /metrics on
AUDIENCE_RESOLVER_PORT (8081)."""

from service_kit.runner import serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        create_app(settings),
        service="audience-resolver",
        host=settings.http_host,
        port=settings.audience_resolver_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
