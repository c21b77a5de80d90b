"""HTTP calls to translation services, retried with back-off on 429 and 5xx."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from feeds.translate.base import TranslationError

Sleep = Callable[[float], Awaitable[None]]


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    json: Any,
    headers: dict[str, str] | None = None,
    retries: int,
    backoff: float,
    sleep: Sleep = asyncio.sleep,
    describe: Callable[[httpx.Response], TranslationError],
) -> Any:
    """POST JSON and return the decoded answer; retry 429/5xx and network errors."""
    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            response = await client.post(url, json=json, headers=headers)
        except httpx.TransportError as error:
            if last:
                reason = f"cannot reach {url}: {str(error) or type(error).__name__}"
                raise TranslationError(reason) from None
            await sleep(backoff * 2**attempt)
            continue
        if response.status_code == 429 or response.status_code >= 500:
            if last:
                raise describe(response)
            await sleep(max(_retry_after(response), backoff * 2**attempt))
            continue
        if response.status_code >= 400:
            raise describe(response)
        try:
            return response.json()
        except ValueError:
            raise TranslationError(f"{url} answered with something that is not JSON") from None
    raise AssertionError("unreachable")


def retry_options(retries: int, backoff: float, sleep: Sleep | None) -> dict[str, Any]:
    """The keyword arguments of post_json that a backend fixes at construction."""
    options: dict[str, Any] = {"retries": retries, "backoff": backoff}
    if sleep is not None:
        options["sleep"] = sleep
    return options


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else 0.0
