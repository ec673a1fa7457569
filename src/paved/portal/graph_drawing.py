"""A dependency graph drawn as SVG on the server: the entity in the middle, its neighbours on a
ring around it, one labelled arrow per relation. No script, so it reads without JavaScript."""

from __future__ import annotations

import math
from html import escape
from typing import Any

WIDTH, HEIGHT = 760, 460
RADIUS = 170
BOX_W, BOX_H = 170, 34


def draw(graph: dict[str, Any]) -> str:
    """The SVG of a `GET /api/v1/catalog/graph` answer (depth 1 reads best)."""
    root = graph["root"]
    others = [n for n in graph["nodes"] if n["ref"] != root][:16]
    centre = (WIDTH / 2, HEIGHT / 2)
    places = {root: centre}
    for index, node in enumerate(others):
        angle = 2 * math.pi * index / max(len(others), 1) - math.pi / 2
        places[node["ref"]] = (
            centre[0] + RADIUS * 1.9 * math.cos(angle) * 0.9,
            centre[1] + RADIUS * math.sin(angle),
        )
    known = {n["ref"]: n for n in graph["nodes"]}
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="graph" '
        'aria-labelledby="graph-title">'
        f'<title id="graph-title">Relations of {escape(root)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    for edge in graph["edges"]:
        if edge["source"] not in places or edge["target"] not in places:
            continue
        (x1, y1), (x2, y2) = places[edge["source"]], places[edge["target"]]
        x2, y2 = _edge_of_box((x1, y1), (x2, y2))
        parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
            'marker-end="url(#arrow)"/>'
            f'<text class="edge" x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2 - 4:.0f}">'
            f"{escape(edge['type'])}</text>"
        )
    for ref, (x, y) in places.items():
        node = known.get(ref, {"exists": False})
        css = "node root" if ref == root else "node" if node.get("exists") else "node missing"
        label = ref if len(ref) <= 26 else ref[:25] + "…"
        parts.append(
            f'<g class="{css}"><rect x="{x - BOX_W / 2:.0f}" y="{y - BOX_H / 2:.0f}" '
            f'width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{x:.0f}" y="{y + 5:.0f}">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _edge_of_box(start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    """Where the line from `start` to the centre `end` meets `end`'s box: the arrow's tip."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == 0 and dy == 0:
        return end
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf,
        (BOX_H / 2) / abs(dy) if dy else math.inf,
    )
    return end[0] - dx * scale, end[1] - dy * scale
