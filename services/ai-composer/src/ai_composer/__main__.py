"""`python -m ai_composer`: the AI composer on AI_COMPOSER_PORT (8086)."""

from service_kit.runner import serve

from .app import create_app
from .settings import Settings


def main() -> None:
    settings = Settings()
    serve(
        create_app(settings),
        service="ai-composer",
        host=settings.http_host,
        port=settings.ai_composer_port,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
