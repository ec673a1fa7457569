"""`paved catalog …`: register locations, get, list, search, graph, export, hygiene."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group, RenderableType
from rich.text import Text

from paved.cli import UsageError, client_from
from paved.cli.output import OutputFormat, OutputOption, emit, note, print_json, show, table_of
from paved.schemas.catalog import EntitiesPage, GraphPublic, HygienePublic, LocationPublic

app = typer.Typer(help="The service catalog: Backstage-compatible entities.", no_args_is_help=True)

FilterOption = Annotated[
    list[str],
    typer.Option("--filter", "-f", help="key=value[,key=value…] (AND); repeat to OR."),
]


def parse_entity_ref(ref: str) -> tuple[str, str, str]:
    """`[kind:][namespace/]name`, kind `component` and namespace `default` by default."""
    kind, sep, rest = ref.partition(":")
    if not sep:
        kind, rest = "component", ref
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = "default", rest
    if not kind or not namespace or not name or "/" in name:
        raise UsageError(f"{ref!r} is not an entity reference: use [kind:][namespace/]name")
    return kind, namespace, name


def location_of(target: str, type_: str | None) -> tuple[str, str]:
    """A URL stays a url location; anything else is a local file, made absolute."""
    if type_ is None:
        type_ = "url" if target.startswith(("http://", "https://", "file://")) else "file"
    if type_ == "file" and not target.startswith("file://"):
        path = Path(target).expanduser().resolve()
        if not path.exists():
            raise UsageError(f"{target}: no such file (give a URL, or a path that exists)")
        target = str(path)
    return type_, target


@app.command("register")
def register(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="a URL (git repository + path, or a file URL) or a local file")
    ],
    type_: Annotated[
        str | None, typer.Option("--type", help="url or file (guessed from TARGET)")
    ] = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Register a location and ingest it now; shows what it yielded and any processing errors."""
    location_type, resolved = location_of(target, type_)
    with client_from(ctx) as client:
        location = client.register_location(location_type, resolved)
    emit(location, output, location_view)
    if location.errors:
        raise typer.Exit(1)


@app.command("get")
def get(
    ctx: typer.Context, ref: Annotated[str, typer.Argument(help="[kind:][namespace/]name")]
) -> None:
    """One entity as JSON, with its relations and status."""
    with client_from(ctx) as client:
        found = client.get_entity(*parse_entity_ref(ref))
    typer.echo(json.dumps(found, indent=2))


@app.command("list")
def list_entities(
    ctx: typer.Context,
    filters: FilterOption = [],  # noqa: B006 (Typer copies it)
    order: Annotated[str | None, typer.Option(help="e.g. metadata.name or -spec.owner")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    cursor: Annotated[str | None, typer.Option(help="the next page's cursor, as printed")] = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Entities matching the filters, one page at a time."""
    with client_from(ctx) as client:
        page = client.list_entities(filters, order=order, limit=limit, cursor=cursor)
    emit(page, output, entities_table)


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="words in names, titles, descriptions or tags")],
    filters: FilterOption = [],  # noqa: B006
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Full-text search, best match first."""
    with client_from(ctx) as client:
        page = client.search_entities(text, filters, limit=limit)
    emit(page, output, entities_table)


@app.command("graph")
def graph(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="[kind:][namespace/]name of the root")],
    depth: Annotated[int, typer.Option(min=0, max=10)] = 2,
    relation: Annotated[list[str], typer.Option(help="only these relation types")] = [],  # noqa: B006
    output: OutputOption = OutputFormat.table,
) -> None:
    """What an entity is related to, hop by hop (missing entities are flagged)."""
    kind, namespace, name = parse_entity_ref(ref)
    with client_from(ctx) as client:
        found = client.catalog_graph(f"{kind}:{namespace}/{name}", depth, relation)
    emit(found, output, graph_table)


@app.command("export")
def export(
    ctx: typer.Context,
    filters: FilterOption = [],  # noqa: B006
    file: Annotated[
        Path | None, typer.Option("--file", help="write here instead of stdout")
    ] = None,
) -> None:
    """Entities back to catalog-info.yaml documents, exactly as they were ingested."""
    with client_from(ctx) as client:
        text = client.export_catalog(filters)
    if file is None:
        typer.echo(text, nl=False)
    else:
        file.write_text(text)
        note(f"wrote {text.count('---')} entities to {file}")


@app.command("hygiene")
def hygiene(
    ctx: typer.Context,
    stale_days: Annotated[
        int, typer.Option(min=1, help="no change in this many days is stale")
    ] = 90,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Zombie services (no owner, owner missing, stale), orphans and entities with errors."""
    with client_from(ctx) as client:
        report = client.catalog_hygiene(stale_days)
    emit(report, output, hygiene_view)


@app.command("locations")
def locations(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """Registered locations and their errors."""
    with client_from(ctx) as client:
        found = client.list_locations()
    if output == OutputFormat.json:
        print_json(found)
        return
    rows = table_of("ID", "TYPE", "TARGET", "ENTITIES", "ERRORS")
    for loc in found.data:
        rows.add_row(loc.id, loc.type, loc.target, str(loc.entityCount), str(len(loc.errors)))
    show(rows if found.data else Text("no locations"))


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    location_id: Annotated[str | None, typer.Argument(help="one location (default: all)")] = None,
) -> None:
    """Read locations again now."""
    with client_from(ctx) as client:
        if location_id is None:
            note(f"refreshed {client.refresh_catalog().refreshed} locations")
        else:
            show(location_view(client.refresh_location(location_id)))


@app.command("unregister")
def unregister(ctx: typer.Context, location_id: str) -> None:
    """Unregister a location; its entities are deleted."""
    with client_from(ctx) as client:
        client.delete_location(location_id)
    note(f"location {location_id} unregistered")


def location_view(location: LocationPublic) -> RenderableType:
    lines = [
        f"location {location.id}: {location.type} {location.target}",
        f"{location.entityCount} entities",
    ]
    lines += [f"error: {e.entity + ': ' if e.entity else ''}{e.message}" for e in location.errors]
    return Text("\n".join(lines))


def _ref(entity: dict[str, Any]) -> str:
    metadata = entity.get("metadata", {})
    namespace = metadata.get("namespace", "default")
    return f"{entity.get('kind', '')}:{namespace}/{metadata.get('name', '')}".lower()


def entities_table(page: EntitiesPage) -> RenderableType:
    if not page.items:
        return Text("no entities")
    rows = table_of("REF", "TYPE", "OWNER", "LIFECYCLE", "TITLE")
    for item in page.items:
        spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
        assert isinstance(spec, dict)
        rows.add_row(
            _ref(item),
            str(spec.get("type", "")),
            str(spec.get("owner", "")),
            str(spec.get("lifecycle", "")),
            str(item.get("metadata", {}).get("title", "")),
        )
    footer = f"{len(page.items)} of {page.totalItems}"
    if page.pageInfo.get("nextCursor"):
        footer += f" — next page: --cursor {page.pageInfo['nextCursor']}"
    return Group(rows, Text(footer))


def graph_table(found: GraphPublic) -> RenderableType:
    rows = table_of("SOURCE", "RELATION", "TARGET", "")
    exists = {n.ref: n.exists for n in found.nodes}
    for edge in found.edges:
        rows.add_row(
            edge.source, edge.type, edge.target, "" if exists.get(edge.target) else "missing"
        )
    return rows if found.edges else Text(f"{found.root} has no relations")


def hygiene_view(report: HygienePublic) -> RenderableType:
    rows = table_of("ENTITY", "PROBLEM")
    for zombie in report.zombies:
        rows.add_row(zombie.ref, f"zombie: {zombie.detail}")
    for orphan in report.orphans:
        rows.add_row(orphan.ref, f"orphan: {orphan.source} no longer yields it")
    for entity in report.errors:
        rows.add_row(entity.ref, "error: " + "; ".join(entity.errors))
    if not (report.zombies or report.orphans or report.errors):
        return Text("the catalog is clean")
    return rows
