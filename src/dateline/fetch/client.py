"""A polite HTTP client: robots.txt, per-host rate and concurrency, retries, caps, archiving.

- **robots.txt** (RFC 9309, read with Protego) is fetched once per origin and run, by
  conditional GET; a 4xx means no rules, a 5xx or no answer means "disallow everything"
  for this run (the pages wait for the next). Its Crawl-delay slows the host further.
- **Per host** (host name, whatever the port): request starts at least `1 / rate_per_host`
  seconds apart and at most `per_host_concurrency` requests in flight; `concurrency` caps
  all hosts together.
- **Retries** on 429, 500, 502, 503, 504 and on no answer, waiting `backoff * 2**n` seconds
  or the Retry-After the server sent, whichever is longer; the whole host waits, not just
  the one request. A host asking for longer than `max_retry_wait` is left alone until then.
- **Caps**: `timeout` seconds for a whole request (headers and body), `max_bytes` of body
  (a larger response is archived cut short, marked `WARC-Truncated`), `max_redirects` hops,
  each hop checked against robots.txt, a loop refused at once. The final URL is kept.
- **Archive**: every response (redirects, errors and 304s too) goes to the WARC archive.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import random
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from dateline.errors import DatelineError, FetchError, InputTooLarge, RobotsDisallowed
from dateline.fetch.archive import ArchivedResponse, Exchange, WarcArchive, read_response
from dateline.fetch.config import FetchSettings
from dateline.model import ArchiveRecord
from dateline.store import Store
from dateline.store.feeds import Validators, get_validators, save_validators

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 500_000  # RFC 9309: parse at least 500 KiB
ROBOTS_AGENT = "dateline"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What fetching a URL came to: the final response and its archived record, or an error."""

    url: str
    final_url: str
    status: int | None = None
    record: ArchiveRecord | None = None
    error: DatelineError | None = None
    transient: bool = False  # worth trying again in a later run
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    location: str | None = None  # where a redirect points
    waited: bool = False  # not tried at all: the host asked us to wait past now

    @property
    def ok(self) -> bool:
        """A full 200 response was archived."""
        return self.error is None and self.status == 200 and self.record is not None


class HostGate:
    """Spacing and concurrency of the requests to one host."""

    def __init__(self, interval: float, concurrency: int) -> None:
        """Start requests at least `interval` seconds apart, at most `concurrency` at once."""
        self.interval = interval
        self.slots = asyncio.Semaphore(concurrency)
        self.next_start = 0.0
        self.lock = asyncio.Lock()

    async def __aenter__(self) -> HostGate:
        await self.slots.acquire()
        try:
            async with self.lock:
                wait = self.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.next_start = max(time.monotonic(), self.next_start) + self.interval
        except BaseException:
            self.slots.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.slots.release()

    def hold(self, seconds: float) -> None:
        """Start no request to this host for `seconds` from now (the host asked us to wait)."""
        self.next_start = max(self.next_start, time.monotonic() + seconds)


RobotsVerdict = Literal["allowed", "disallowed", "unknown"]


class PoliteClient:
    """Fetches URLs politely and archives every response; use as an async context manager."""

    def __init__(
        self,
        fetch: FetchSettings,
        archive: WarcArchive,
        store: Store,
        *,
        blocked: dict[str, float] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Prepare a client; `blocked` maps hosts to the epoch time they asked us to wait for."""
        self.fetch = fetch
        self.archive = archive
        self.store = store
        self.blocked = dict(blocked or {})
        self.gates: dict[str, HostGate] = {}
        self.robots: dict[str, object] = {}  # origin -> Protego, or a verdict for all paths
        self.robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0
        self.bytes = 0
        self.newly_blocked: dict[str, tuple[float, str]] = {}
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._all: asyncio.Semaphore | None = None

    async def __aenter__(self) -> PoliteClient:
        self._http = httpx.AsyncClient(
            headers={"User-Agent": self.fetch.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.fetch.timeout, connect=self.fetch.connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=self.fetch.concurrency),
            transport=self._transport,
        )
        self._all = asyncio.Semaphore(self.fetch.concurrency)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()

    # -- the public call ---------------------------------------------------------------------

    async def get(
        self, url: str, *, validators: Validators | None = None, accept: str = "*/*"
    ) -> Fetched:
        """GET a URL: robots.txt, limits, retries and redirects; every response archived."""
        chain = [url]
        current = url
        error: FetchError
        for _hop in range(self.fetch.max_redirects + 1):
            until = self._blocked_until(current)
            if until is not None:  # not even robots.txt is asked for
                error = FetchError(f"the host asked us to wait until {_iso(until)}", path=current)
                return Fetched(url, current, error=error, transient=True, waited=True)
            if self.fetch.robots:
                verdict = await self.robots_verdict(current)
                if verdict == "disallowed":
                    error = RobotsDisallowed("robots.txt disallows this URL", path=current)
                    return Fetched(url, current, error=error)
                if verdict == "unknown":
                    error = FetchError(
                        "robots.txt could not be read (server error or no answer); "
                        "trying again next run",
                        path=current,
                    )
                    return Fetched(url, current, error=error, transient=True)
            headers = _request_headers(accept, validators if current == url else None)
            result = await self._with_retries(url, current, headers)
            if result.error is not None or result.status not in REDIRECT_STATUSES:
                return result
            if not result.location:
                return result
            target = urljoin(current, result.location)
            if target in chain:
                loop = " -> ".join([*chain[chain.index(target) :], target])
                error = FetchError(f"redirect loop: {loop}", path=url)
                return Fetched(url, current, status=result.status, error=error)
            chain.append(target)
            current = target
        error = FetchError(f"more than {self.fetch.max_redirects} redirects", path=url)
        return Fetched(url, current, error=error)

    # -- one URL, with retries ---------------------------------------------------------------

    def _gate(self, url: str) -> HostGate:
        host = host_of(url)
        if host not in self.gates:
            self.gates[host] = HostGate(self.fetch.min_interval, self.fetch.per_host_concurrency)
        return self.gates[host]

    def _blocked_until(self, url: str) -> float | None:
        until = self.blocked.get(host_of(url))
        return until if until is not None and until > time.time() else None

    async def _with_retries(self, asked: str, url: str, headers: dict[str, str]) -> Fetched:
        error: DatelineError | None = None
        status: int | None = None
        for attempt in range(self.fetch.retries + 1):
            until = self._blocked_until(url)
            if until is not None:
                when = _iso(until)
                error = FetchError(f"the host asked us to wait until {when}", path=url)
                return Fetched(asked, url, error=error, transient=True, waited=True)
            wait = self.fetch.backoff * (2**attempt) * (1 + random.random() / 10)
            try:
                exchange = await self._once(url, headers)
            except TimeoutError:
                error = FetchError(f"no complete answer within {self.fetch.timeout:g} s", path=url)
                status = None
            except httpx.TimeoutException:
                error = FetchError(f"timed out (limit {self.fetch.timeout:g} s)", path=url)
                status = None
            except httpx.HTTPError as exc:
                error = FetchError(f"cannot fetch: {exc or type(exc).__name__}", path=url)
                status = None
            else:
                record = self.archive.append(exchange)
                status = exchange.status
                got = dict((k.lower(), v) for k, v in exchange.headers)
                if exchange.truncated:
                    error = InputTooLarge(
                        f"response is over the {self.fetch.max_bytes:,}-byte limit "
                        "(raise [fetch] max_bytes to accept it)",
                        path=url,
                    )
                    return Fetched(asked, url, status, record, error=error)
                if status not in RETRY_STATUSES:
                    return Fetched(
                        asked,
                        url,
                        status,
                        record,
                        not_modified=status == 304,
                        etag=got.get("etag"),
                        last_modified=got.get("last-modified"),
                        content_type=got.get("content-type"),
                        location=got.get("location"),
                    )
                error = FetchError(f"HTTP {status} {exchange.reason}".strip(), path=url)
                asked_wait = retry_after(got.get("retry-after"))
                if asked_wait is not None:
                    wait = max(wait, asked_wait)
            if attempt == self.fetch.retries:
                break
            if wait > self.fetch.max_retry_wait:
                until = time.time() + wait
                host = host_of(url)
                self.blocked[host] = until
                self.newly_blocked[host] = (until, str(error))
                error = FetchError(
                    f"{error.message if error else 'the host'}; it asked us to wait "
                    f"{wait:,.0f} s (until {_iso(until)}), longer than [fetch] max_retry_wait",
                    path=url,
                )
                return Fetched(asked, url, status, error=error, transient=True)
            self._gate(url).hold(wait)
        return Fetched(asked, url, status, error=error, transient=True)

    async def _once(self, url: str, headers: dict[str, str]) -> Exchange:
        assert self._http is not None and self._all is not None
        async with self._all, self._gate(url), asyncio.timeout(self.fetch.timeout):
            self.requests += 1
            async with self._http.stream("GET", url, headers=headers) as response:
                parts: list[bytes] = []
                size = 0
                truncated = False
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.fetch.max_bytes:
                    truncated = True  # not downloaded at all
                else:
                    async for chunk in response.aiter_raw():
                        size += len(chunk)
                        if size > self.fetch.max_bytes:
                            keep = len(chunk) - (size - self.fetch.max_bytes)
                            parts.append(chunk[:keep])
                            truncated = True
                            break
                        parts.append(chunk)
                body = b"".join(parts)
                self.bytes += len(body)
                return Exchange(
                    url=url,
                    method="GET",
                    request_headers=list(response.request.headers.items()),
                    status=response.status_code,
                    reason=response.reason_phrase,
                    headers=list(response.headers.items()),
                    body=body,
                    truncated=truncated,
                )

    # -- robots.txt --------------------------------------------------------------------------

    async def robots_verdict(self, url: str) -> RobotsVerdict:
        """May dateline fetch this URL? ("unknown": robots.txt could not be read this run)."""
        origin = origin_of(url)
        lock = self.robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self.robots:
                self.robots[origin] = await self._load_robots(origin)
        rules = self.robots[origin]
        if isinstance(rules, str):
            return rules  # type: ignore[return-value]
        allowed = rules.can_fetch(url, ROBOTS_AGENT)  # type: ignore[attr-defined]
        return "allowed" if allowed else "disallowed"

    async def _load_robots(self, origin: str) -> object:
        from protego import Protego

        url = origin + "/robots.txt"
        validators = get_validators(self.store, url)
        current = url
        result: Fetched | None = None
        for _hop in range(6):  # RFC 9309: follow at least five redirects
            headers = _request_headers("text/plain", validators if current == url else None)
            result = await self._with_retries(url, current, headers)
            if result.status in REDIRECT_STATUSES and result.location:
                current = urljoin(current, result.location)
                continue
            break
        if result is None or result.error is not None or result.status is None:
            return "unknown"
        if result.status == 429 or result.status >= 500:
            return "unknown"
        if 400 <= result.status < 500:
            return "allowed"  # no robots.txt: no rules
        text: str | None = None
        if result.not_modified and validators is not None and validators.warc_file:
            text = self._archived_text(validators.warc_file, validators.warc_offset or 0)
        elif result.status == 200 and result.record is not None:
            text = self._archived_text(result.record.file, result.record.offset)
            save_validators(
                self.store,
                url,
                Validators(
                    result.etag,
                    result.last_modified,
                    result.record.file,
                    result.record.offset,
                ),
            )
        if text is None:
            return "unknown"
        rules = Protego.parse(text)
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            gate = self._gate(origin)
            gate.interval = max(gate.interval, float(delay))
        return rules

    def _archived_text(self, file: str, offset: int) -> str | None:
        try:
            response: ArchivedResponse = read_response(file, offset, limit=ROBOTS_MAX_BYTES * 4)
        except DatelineError:
            return None
        return response.payload[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")


def host_of(url: str) -> str:
    """The host name a URL names (lower case, no port): what per-host limits count."""
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: what one robots.txt covers."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_headers(accept: str, validators: Validators | None) -> dict[str, str]:
    """Headers for a request, conditional on the stored ETag and Last-Modified when given."""
    headers = {"Accept": accept}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers
