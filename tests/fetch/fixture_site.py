"""A news site on the loopback interface for the fetch tests: real HTTP, no internet.

`NewsSite` serves routes registered by the test (static bodies with ETag/Last-Modified and
304s, sequences of answers such as 429-then-200, slow answers, redirects, endless bodies)
from a threaded HTTP server on 127.0.0.x, and logs every request with its start and end
time and the most requests it ever had in flight, so tests can count what reached it.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

DATA = Path(__file__).resolve().parents[1] / "data" / "languages" / "events.jsonl"


@dataclass
class Hit:
    """One request the site received."""

    path: str
    start: float
    end: float = 0.0
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Answer:
    """One response: status, headers, body; `delay` seconds before it, `stream` bytes after."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: int = 0  # bytes sent after `body` in 64 KiB pieces, no Content-Length
    gzip: bool = False  # gzip the body when the client accepts it


Route = Callable[[dict[str, str], int], Answer]  # (request headers, hit number) -> answer


class NewsSite:
    """A threaded HTTP server with registered routes and a request log."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Start serving on `host` and a free port."""
        self.host = host
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self.inflight = 0
        self.max_inflight = 0
        self.bytes_sent = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.handle(self)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    # -- routes ------------------------------------------------------------------------------

    def route(self, path: str, route: Route) -> None:
        """Serve `path` with a function of (request headers, hit number)."""
        self.routes[path] = route

    def static(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        *,
        etag: str | None = None,
        last_modified: float | None = None,
        gzip_body: bool = False,
        status: int = 200,
    ) -> None:
        """Serve a fixed body, answering 304 to a matching conditional GET."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        stamp = formatdate(last_modified, usegmt=True) if last_modified else None

        def answer(headers: dict[str, str], _n: int) -> Answer:
            if etag and headers.get("if-none-match") == etag:
                return Answer(304, headers={"ETag": etag})
            if stamp and headers.get("if-modified-since") == stamp and not etag:
                return Answer(304, headers={"Last-Modified": stamp})
            extra = {"Content-Type": content_type}
            if etag:
                extra["ETag"] = etag
            if stamp:
                extra["Last-Modified"] = stamp
            return Answer(status, data, extra, gzip=gzip_body)

        self.route(path, answer)

    def sequence(self, path: str, answers: list[Answer]) -> None:
        """Serve the answers in turn (the last one for every later request)."""
        self.route(path, lambda _h, n: answers[min(n, len(answers) - 1)])

    def hits(self, path: str | None = None) -> list[Hit]:
        """The requests received (for one path, or all)."""
        with self.lock:
            return [h for h in self.log if path is None or h.path == path]

    # -- serving -----------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one request from its route (404 when none) and log it."""
        path = request.path.split("?")[0]
        headers = {k.lower(): v for k, v in request.headers.items()}
        hit = Hit(path, time.monotonic(), headers=headers)
        with self.lock:
            number = sum(1 for h in self.log if h.path == path)
            self.log.append(hit)
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            route = self.routes.get(path)
            answer = route(headers, number) if route else Answer(404, b"not found")
            if answer.delay:
                time.sleep(answer.delay)
            body = answer.body
            out = dict(answer.headers)
            if answer.gzip and "gzip" in headers.get("accept-encoding", ""):
                body = gzip.compress(body)
                out["Content-Encoding"] = "gzip"
            hit.status = answer.status
            request.send_response(answer.status)
            for key, value in out.items():
                request.send_header(key, value)
            if not answer.stream:
                request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
            sent = len(body)
            piece = b"x" * 65536
            while sent < answer.stream:
                request.wfile.write(piece)
                sent += len(piece)
            with self.lock:
                self.bytes_sent += sent
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: a size cap or a timeout did its job
        finally:
            hit.end = time.monotonic()
            with self.lock:
                self.inflight -= 1


# -- content ------------------------------------------------------------------------------------


def events() -> list[dict[str, str]]:
    """The cross-lingual articles of tests/data/languages (written for these tests)."""
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


def article(event: str, lang: str, style: str = "parallel") -> dict[str, str]:
    """One article of the data set."""
    return next(
        e for e in events() if e["event"] == event and e["lang"] == lang and e["style"] == style
    )


def html_page(record: dict[str, str], charset: str = "utf-8", meta: bool = True) -> str:
    """An article page with the furniture of a news site around the text."""
    direction = ' dir="rtl"' if record["lang"] == "ar" else ""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in record["text"].split("\n\n"))
    charset_tag = f'<meta charset="{charset}">' if meta else ""
    return f"""<!doctype html>
<html lang="{record["lang"]}"{direction}><head>{charset_tag}
<title>{escape(record["title"])} | Levant Wire</title>
<meta property="article:published_time" content="{record["date"]}T08:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/economy">Economy</a></nav>
<article><h1>{escape(record["title"])}</h1>
{paragraphs}
</article>
<footer>Share this article. Related articles. Copyright Levant Wire.</footer>
</body></html>"""


def rss(items: list[tuple[str, str, str, str]], title: str = "Levant Wire") -> str:
    """An RSS 2.0 feed of (url, title, RFC 822 date, author) items."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{d}</pubDate><author>{escape(a)}</author></item>"
        for u, t, d, a in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>news</description>{body}</channel></rss>"
    )


def _rfc822(day: str) -> str:
    """An RSS date for an ISO day (08:00 UTC)."""
    import datetime as dt

    when = dt.datetime.fromisoformat(day + "T08:00:00+00:00")
    return formatdate(when.timestamp(), usegmt=True)


ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: badbot\nDisallow: /\n"
STAMP = 1_740_000_000.0  # Last-Modified of the feeds


def build_levant(site: NewsSite) -> dict[str, str]:
    """Register Levant Wire: an English RSS 2.0 feed, a Russian RDF feed, an Arabic Atom feed.

    Pages: English (UTF-8), Russian in windows-1251 named only by the HTTP header, Arabic
    in windows-1256 named only by a <meta> tag, a page robots.txt disallows, one that is
    gone (404) and a tracking parameter on one link. Returns the feed URLs by language.
    """
    site.static("/robots.txt", ROBOTS, "text/plain", etag='"robots-1"')
    en = [("quake-hama", "Lina Saad"), ("quake-latakia", "Omar Said"), ("conf-damascus", "")]
    items = []
    for event, author in en:
        record = article(event, "en")
        site.static(f"/news/{event}.html", html_page(record))
        suffix = "?utm_source=rss&utm_medium=feed" if event == "conf-damascus" else ""
        items.append((site.url(f"/news/{event}.html{suffix}"), record["title"],
                      _rfc822(record["date"]), author))  # fmt: skip
    items.append((site.url("/private/memo.html"), "Internal memo", _rfc822("2025-03-05"), ""))
    items.append((site.url("/news/gone.html"), "Deleted story", _rfc822("2025-03-05"), ""))
    site.static("/private/memo.html", "<p>secret</p>")
    site.static(
        "/feed.xml",
        rss(items),
        "application/rss+xml",
        etag='"feed-1"',
        last_modified=STAMP,
        gzip_body=True,
    )

    ru_items = []
    hama = article("quake-hama", "ru")
    site.static(
        "/ru/quake-hama.html",
        html_page(hama, meta=False).encode("cp1251"),
        "text/html; charset=windows-1251",
    )
    latakia = article("quake-latakia", "ru")
    site.static("/ru/quake-latakia.html", html_page(latakia))
    for record, path in ((hama, "/ru/quake-hama.html"), (latakia, "/ru/quake-latakia.html")):
        ru_items.append(
            f'<item rdf:about="{site.url(path)}"><title>{escape(record["title"])}</title>'
            f"<link>{site.url(path)}</link><dc:date>{record['date']}T07:00:00Z</dc:date>"
            "<dc:creator>Иван Петров</dc:creator></item>"
        )
    rdf = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{site.url("/ru/rss.xml")}"><title>Левант Вайр</title>'
        f"<link>{site.url('/ru/')}</link><description>новости</description></channel>"
        + "".join(ru_items)
        + "</rdf:RDF>"
    )
    site.static("/ru/rss.xml", rdf, "application/rdf+xml", etag='"ru-1"')

    ar_entries = []
    for event, charset in (("quake-hama", "windows-1256"), ("conf-damascus", "utf-8")):
        record = article(event, "ar")
        path = f"/ar/{event}.html"
        site.static(path, html_page(record, charset=charset).encode(charset), "text/html")
        ar_entries.append(
            f"<entry><title>{escape(record['title'])}</title>"
            f'<link href="{site.url(path)}"/><id>urn:levant:ar:{event}</id>'
            f"<updated>{record['date']}T06:00:00Z</updated>"
            "<author><name>هبة علي</name></author></entry>"
        )
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>ليفانت واير</title><id>urn:levant:ar</id>"
        "<updated>2025-03-09T06:00:00Z</updated>" + "".join(ar_entries) + "</feed>"
    )
    site.static("/ar/atom.xml", atom, "application/atom+xml", last_modified=STAMP)
    return {
        "en": site.url("/feed.xml"),
        "ru": site.url("/ru/rss.xml"),
        "ar": site.url("/ar/atom.xml"),
    }
