"""Getting feed documents: one shared HTTP client, conditional GET, and hard limits."""

from __future__ import annotations

import asyncio
import email.utils
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

# httpx (with its TLS set-up) is imported and its client built at the first HTTP fetch: a
# command that reads only local files or none (`vestnesis ask`) never pays for it (issue 18).


def _version() -> str:
    # Imported here: importlib.metadata and the look-up are ~15 ms, paid only by a process
    # that fetches over HTTP (a User-Agent is made when the client is), not by `ask` (issue 18).
    import importlib.metadata

    try:
        return importlib.metadata.version("vestnesis")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def user_agent(contact: str = "") -> str:
    """The User-Agent naming the project, and the association's website when given."""
    return f"Vestnesis/{_version()} (+{contact or 'library association news reader'})"


_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 10
    contact: str = ""  # the association's website, named in the User-Agent
    user_agent: str = ""  # "": made from `contact` when the HTTP client is


@dataclass(frozen=True)
class Fetched:
    """The result of one fetch: a body, "not modified", or a failure in plain words."""

    status: Literal["ok", "not_modified", "failed"]
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    error: str | None = None
    retry_after: timedelta | None = None


class Fetcher:
    """Fetches URLs and local files within the limits, through one shared client (made at
    the first HTTP fetch when not given)."""

    def __init__(self, client: httpx.AsyncClient | None, limits: FetchLimits) -> None:
        self._client = client
        self._limits = limits

    @classmethod
    @asynccontextmanager
    async def open(cls, limits: FetchLimits) -> AsyncIterator[Fetcher]:
        """A fetcher with its own client, closed when the block ends."""
        fetcher = cls(None, limits)
        try:
            yield fetcher
        finally:
            if fetcher._client is not None:
                await fetcher._client.aclose()

    def _http(self) -> httpx.AsyncClient:
        """The shared client, made on first use."""
        if self._client is None:
            import httpx

            limits = self._limits
            self._client = httpx.AsyncClient(
                follow_redirects=True,
                max_redirects=limits.max_redirects,
                timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
                headers={
                    "User-Agent": limits.user_agent or user_agent(limits.contact),
                    "Accept": _ACCEPT,
                },
                limits=httpx.Limits(max_connections=max(limits.concurrency * 2, 10)),
            )
        return self._client

    async def fetch(
        self, location: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """Fetch a URL (conditionally, when validators are given) or read a local file."""
        if not is_http(location):
            return await self._read_file(Path(location))
        import httpx

        try:
            async with asyncio.timeout(self._limits.total_timeout):
                return await self._get(location, etag, last_modified)
        except TimeoutError:
            return _failed(f"took longer than {self._limits.total_timeout:g} s in all")
        except httpx.TooManyRedirects:
            return _failed(f"more than {self._limits.max_redirects} redirects (a redirect loop?)")
        except httpx.ConnectTimeout:
            return _failed(f"timed out connecting after {self._limits.connect_timeout:g} s")
        except httpx.ReadTimeout:
            return _failed(f"the server stopped answering for {self._limits.read_timeout:g} s")
        except httpx.TimeoutException:
            return _failed("timed out")
        except httpx.ConnectError as error:
            return _failed(f"could not connect: {str(error) or 'connection refused'}")
        except httpx.DecodingError:
            return _failed("the response could not be decoded (damaged compression)")
        except httpx.UnsupportedProtocol:
            return _failed("redirected to a URL that is not http(s)")
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            return _failed(f"the connection broke: {str(error) or type(error).__name__}")
        except httpx.InvalidURL as error:
            return _failed(f"invalid URL: {error}")

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._http().stream("GET", url, headers=headers) as response:
            final_url = str(response.url)
            if response.status_code == 304:
                return Fetched(
                    "not_modified", etag=etag, last_modified=last_modified, final_url=final_url
                )
            if response.status_code >= 400:
                reason = response.reason_phrase or ""
                return _failed(
                    f"HTTP {response.status_code} {reason}".strip(),
                    retry_after=_retry_after(response.headers),
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self._limits.max_bytes:
                return _failed(self._too_big())
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self._limits.max_bytes:
                    return _failed(self._too_big())
            return Fetched(
                "ok",
                content=bytes(body),
                headers=dict(response.headers),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                final_url=final_url,
            )

    async def _read_file(self, path: Path) -> Fetched:
        return await asyncio.to_thread(self._read_file_now, path)

    def _read_file_now(self, path: Path) -> Fetched:
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                # A device (/dev/zero), a FIFO or a folder never ends or never answers.
                return _failed(f"{path} is not a regular file")
            with path.open("rb") as file:
                content = file.read(self._limits.max_bytes + 1)
        except OSError as error:
            return _failed(f"cannot read {path}: {error.strerror or error}")
        if len(content) > self._limits.max_bytes:
            return _failed(self._too_big())
        return Fetched("ok", content=content, final_url=path.resolve().as_uri())

    def _too_big(self) -> str:
        return f"larger than the {self._limits.max_bytes / 1_048_576:g} MB limit"


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a news source added from the command line or an OPML file, or None
    for an absolute http(s) URL. Local files are sources only when the config names them."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not a URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) URL (local files go in the config as path = …)"
    if not parts.hostname:
        return "an http(s) URL without a host"
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        return "the port is not a number from 1 to 65535"
    if any(ch.isspace() or ord(ch) < 32 for ch in url.strip()):
        return "a URL cannot hold spaces or control characters"
    return None


def normal_url(url: str) -> str:
    """`url` trimmed, with its scheme in lower case (HTTP://x → http://x), as it is stored."""
    scheme, sep, rest = url.strip().partition(":")
    return f"{scheme.lower()}{sep}{rest}" if sep else url.strip()


def is_http(location: str) -> bool:
    """Whether `location` is fetched over HTTP (its scheme in any case: HTTP://, Https://)."""
    return location.split(":", 1)[0].lower() in ("http", "https") and "://" in location


def _failed(reason: str, retry_after: timedelta | None = None) -> Fetched:
    return Fetched("failed", error=reason, retry_after=retry_after)


def _retry_after(headers: httpx.Headers) -> timedelta | None:
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    # An HTTP date is measured against the server's own clock (its Date header), not ours.
    when, server_now = _http_date(value), _http_date(headers.get("date", ""))
    if when is None or server_now is None:
        return None
    return max(when - server_now, timedelta(0))


def _http_date(value: str) -> datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
