"""The commands: follow add (URL and OPML) / list / remove, fetch, watch, show, archived."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fixture_site import NewsSite, article, html_page
from typer.testing import CliRunner

from dateline.cli import app

runner = CliRunner()


def _serve_sitemaps(site: NewsSite) -> None:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    site.static("/robots.txt", "", "text/plain", status=404)
    site.static(
        "/sitemap.xml",
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/news-sitemap.xml')}</loc></sitemap>"
        f"<sitemap><loc>{site.url('/archive-2019.xml')}</loc></sitemap></sitemapindex>",
        "application/xml",
        etag='"index"',
    )
    site.static(
        "/news-sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{site.url('/news/talks.html')}</loc><news:news><news:publication>"
        "<news:name>Sitemap Herald</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{today}</news:publication_date>"
        "<news:title>Moscow talks agree Idlib ceasefire</news:title></news:news></url>"
        f"<url><loc>{site.url('/img/map.jpg')}</loc></url>"
        f"<url><loc>{site.url('/tag/idlib/')}</loc></url></urlset>",
        "application/xml",
    )
    site.static(
        "/archive-2019.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url('/2019/old.html')}</loc><lastmod>2019-05-01</lastmod></url>"
        "</urlset>",
        "application/xml",
    )
    site.static("/news/talks.html", html_page(article("talks-moscow", "en")))
    site.static("/broken.xml", '<?xml version="1.0"?><rss version="2.0"><channel><tit', "text/xml")


def test_following_a_sitemap_and_an_opml_list_from_the_command_line(
    site: NewsSite, tmp_path: Path
) -> None:
    _serve_sitemaps(site)
    db = str(tmp_path / "cli.db")
    config = tmp_path / "fast.toml"
    config.write_text("[fetch]\nrate_per_host = 50.0\nretries = 0\n[pipeline]\nworkers = 1\n")
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline text="Herald" xmlUrl="{site.url("/sitemap.xml")}"/>'
        f'<outline text="Broken" xmlUrl="{site.url("/broken.xml")}"/></body></opml>'
    )
    added = runner.invoke(app, ["follow", "add", str(opml), "--db", db])
    assert added.exit_code == 0, added.output
    assert added.output.count("following [") == 2

    fetched = runner.invoke(app, ["fetch", "--db", db, "--config", str(config)])
    assert fetched.exit_code == 1  # the broken feed is an error; the rest was done
    assert "[DL015]" in fetched.output and "broken.xml" in fetched.output
    assert "1 new pages found; fetched 1 pages" in fetched.output
    # Not fetched: the image, the tag page and the page the 2019 sitemap dates years back.
    for path in ("/img/map.jpg", "/tag/idlib/", "/2019/old.html"):
        assert site.hits(path) == []

    listed = json.loads(runner.invoke(app, ["follow", "list", "--db", db, "--json"]).stdout)
    by_url = {row["url"]: row for row in listed}
    herald = by_url[site.url("/sitemap.xml")]
    assert herald["kind"] == "sitemap" and herald["pages"] == {"done": 1}
    assert "[DL015]" in by_url[site.url("/broken.xml")]["last_error"]

    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    (row,) = rows
    assert row["title"] == "Moscow talks agree Idlib ceasefire"  # the news sitemap's title
    assert row["outlet"] == "Herald" and row["language"] == "en"
    assert row["archived"]["url"] == site.url("/news/talks.html")
    shown = runner.invoke(app, ["show", row["id"], "--db", db])
    assert "language en (English); stages run: annotate, timerefs" in shown.stdout
    assert "archived " in shown.stdout
    checked = runner.invoke(app, ["archived", row["id"], "--db", db])
    assert checked.exit_code == 0 and "the same text" in checked.stdout
    raw = runner.invoke(app, ["archived", row["id"], "--db", db, "--raw"])
    assert "Moscow" in raw.stdout and "<nav>" in raw.stdout  # the page as served

    watched = runner.invoke(
        app, ["watch", "--every", "1s", "--cycles", "2", "--db", db, "--config", str(config)]
    )
    assert watched.output.count("checked 2 sources") == 2
    assert "0 new pages found" in watched.output
    archived = [
        ln.split("archived in ")[1] for ln in watched.output.splitlines() if "archived in" in ln
    ]
    assert len(archived) == 2 and len(set(archived)) == 1  # one WARC file for the whole watch

    removed = runner.invoke(app, ["follow", "remove", site.url("/broken.xml"), "--db", db])
    assert removed.exit_code == 0 and "no longer following" in removed.output
    again = runner.invoke(app, ["follow", "remove", site.url("/broken.xml"), "--db", db])
    assert again.exit_code == 1 and "[DL040]" in again.output


def test_bad_targets_and_settings_fail_with_a_code(tmp_path: Path) -> None:
    db = str(tmp_path / "bad.db")
    result = runner.invoke(app, ["follow", "add", "ftp://example.org/feed", "--db", db])
    assert result.exit_code == 1 and "[DL015]" in result.output
    listed = runner.invoke(app, ["follow", "list", "--db", db])
    assert "following nothing" in listed.output
    result = runner.invoke(app, ["watch", "--every", "soon", "--db", db])
    assert result.exit_code == 1 and "[DL001]" in result.output
    config = tmp_path / "bad.toml"
    config.write_text("[fetch]\nrate_per_hots = 2.0\n")
    result = runner.invoke(app, ["fetch", "--db", db, "--config", str(config)])
    assert result.exit_code == 1 and "[DL001]" in result.output and "rate_per_hots" in result.output
