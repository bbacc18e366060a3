"""`python -m campaign_api`: the HTTP API on CAMPAIGN_API_PORT (8080)."""

from service_kit.runner import build_or_exit, serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        build_or_exit("campaign-api", lambda: create_app(settings)),
        service="campaign-api",
        host=settings.http_host,
        port=settings.campaign_api_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
