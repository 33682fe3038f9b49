"""Storage of article links and groups (copies, same-event groups, story threads)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dateline.model import ArticleLink, Group
from dateline.store.db import Store


def replace_links(store: Store, links: Sequence[ArticleLink], groups: Sequence[Group]) -> None:
    """Replace every stored link and group with a freshly computed set, in one transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM article_links")
        conn.execute("DELETE FROM group_members")
        conn.execute("DELETE FROM article_groups")
        conn.executemany(
            "INSERT OR REPLACE INTO article_links(a, b, kind, score, evidence) VALUES (?,?,?,?,?)",
            [(x.a, x.b, x.kind, x.score, json.dumps(list(x.evidence))) for x in links],
        )
        conn.executemany(
            "INSERT INTO article_groups(id, kind, score, evidence, details) VALUES (?,?,?,?,?)",
            [
                (g.id, g.kind, g.score, json.dumps(list(g.evidence)), json.dumps(_details(g)))
                for g in groups
            ],
        )
        conn.executemany(
            "INSERT INTO group_members(group_id, article_id) VALUES (?, ?)",
            [(g.id, m) for g in groups for m in g.members],
        )


def _details(group: Group) -> dict[str, Any]:
    """What a group carries beyond members, score and evidence (same-event groups)."""
    out: dict[str, Any] = {}
    if group.date_span:
        out["date_span"] = list(group.date_span)
    if group.entities:
        out["entities"] = list(group.entities)
    if group.places:
        out["places"] = list(group.places)
    if group.twins:
        out["twins"] = [list(t) for t in group.twins]
    return out


def load_groups(store: Store, kind: str | None = None) -> list[Group]:
    """Return stored groups (of one kind, or all)."""
    rows = store.conn.execute(
        "SELECT id, kind, score, evidence, details FROM article_groups"
        + (" WHERE kind = ?" if kind else "")
        + " ORDER BY kind, id",
        (kind,) if kind else (),
    ).fetchall()
    groups = []
    for row in rows:
        members = tuple(
            r[0]
            for r in store.conn.execute(
                "SELECT article_id FROM group_members WHERE group_id = ? ORDER BY article_id",
                (row["id"],),
            )
        )
        details = json.loads(row["details"] or "{}")
        span = details.get("date_span")
        groups.append(
            Group(
                row["id"],
                row["kind"],
                members,
                row["score"],
                tuple(json.loads(row["evidence"])),
                date_span=(span[0], span[1]) if span else None,
                entities=tuple(details.get("entities", ())),
                places=tuple(details.get("places", ())),
                twins=tuple((m, t, float(p)) for m, t, p in details.get("twins", ())),
            )
        )
    return groups


def load_links(store: Store) -> list[ArticleLink]:
    """Return stored article links (copies and near-copies)."""
    rows = store.conn.execute("SELECT a, b, kind, score, evidence FROM article_links ORDER BY a, b")
    return [ArticleLink(r[0], r[1], r[2], r[3], tuple(json.loads(r[4]))) for r in rows]
