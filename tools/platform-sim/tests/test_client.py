from __future__ import annotations

import pytest
from platform_sim import SimControl, start_simulators


async def test_start_some_simulators_with_start_up_config() -> None:
    sims = await start_simulators(
        telegram=None,
        instagram=None,
        openai=None,
        retry_after_seconds=4,
        platform_config={"whatsapp": {"enforce_window": False}},
    )
    try:
        assert set(sims.servers) == {"whatsapp"}
        base_url = sims.base_url("whatsapp")
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v21.0")
        async with SimControl(base_url) as control:  # any URL on the server will do
            await control.configure(enforce_window=True, retry_after_seconds=1)
            await control.reset()
            config = await control.config()
            assert (config["enforce_window"], config["retry_after_seconds"]) == (False, 4)
        with pytest.raises(KeyError, match="not started"):
            sims.base_url("telegram")
    finally:
        await sims.close()


async def test_base_urls() -> None:
    async with await start_simulators() as sims:
        root = sims.root_url("openai")
        assert sims.base_url("openai") == root + "/v1"
        assert sims.base_url("telegram") == sims.root_url("telegram")
        assert sims.base_url("instagram") == sims.root_url("instagram") + "/v21.0"


async def test_a_key_no_started_simulator_knows_is_refused() -> None:
    with pytest.raises(ValueError, match="api_key"):
        await start_simulators(openai=None, api_key="sk-x")
    with pytest.raises(ValueError, match="openai"):
        await start_simulators(openai=None, platform_config={"openai": {"reply": "x"}})
