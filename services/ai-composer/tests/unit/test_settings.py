"""Which backend the composer writes with, from the environment."""

from __future__ import annotations

import pytest
from ai_composer.app import create_backend
from ai_composer.backends.openai_backend import OpenAIBackend
from ai_composer.metrics import ComposerMetrics
from ai_composer.settings import Settings
from prometheus_client import CollectorRegistry


@pytest.fixture(autouse=True)
def _no_composer_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COMPOSER_BACKEND", "COMPOSER_OPENAI_BASE_URL", "COMPOSER_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_model_the_builtin_writer_is_used() -> None:
    assert Settings().backend == "builtin"


def test_a_base_url_chooses_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSER_OPENAI_BASE_URL", "http://127.0.0.1:9003/v1")
    monkeypatch.setenv("COMPOSER_OPENAI_API_KEY", "sk-secret")
    settings = Settings()
    assert settings.backend == "openai"
    assert "sk-secret" not in repr(settings)


def test_the_backend_can_be_chosen_and_blank_values_are_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMPOSER_OPENAI_BASE_URL", "http://127.0.0.1:9003/v1")
    monkeypatch.setenv("COMPOSER_BACKEND", "builtin")
    assert Settings().backend == "builtin"
    monkeypatch.setenv("COMPOSER_BACKEND", "")
    monkeypatch.setenv("COMPOSER_OPENAI_BASE_URL", " ")
    assert Settings().backend == "builtin"
    monkeypatch.setenv("COMPOSER_BACKEND", "openai")
    assert Settings().backend == "openai"


async def test_an_api_key_alone_is_openai_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSER_OPENAI_API_KEY", "sk-secret")
    settings = Settings()
    assert settings.backend == "openai"
    assert settings.backend_chosen_by == "COMPOSER_OPENAI_API_KEY (OpenAI itself)"
    backend = create_backend(settings, ComposerMetrics(CollectorRegistry()))
    assert isinstance(backend, OpenAIBackend)
    assert backend.base_url == "https://api.openai.com/v1/"
    await backend.close()


def test_a_blank_api_key_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSER_OPENAI_API_KEY", "  ")
    settings = Settings()
    assert settings.backend == "builtin"
    assert settings.backend_chosen_by.startswith("neither")
