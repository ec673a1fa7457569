"""Processing a location: read it, parse its documents, substitute, validate, relate.

Processing emits data — entities, each with its relations and errors, and errors of the
location itself — and never writes; one bad document never stops the others. Location
entities found on the way are followed (relative targets against their own file, globs
expanded, cycles cut).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from paved.catalog import reading
from paved.catalog.documents import may_substitute, parse_documents, substitute
from paved.catalog.parallel import Workers, here
from paved.catalog.reading import Reader
from paved.catalog.refs import EntityRef, ref_of_entity
from paved.catalog.relations import relations_of
from paved.catalog.stitching import LOCATION_ANNOTATION, ORIGIN_ANNOTATION
from paved.catalog.validating import validate_entity
from paved.catalog.writes import to_write
from paved.core.errors import InputError, NotFoundError, PavedError
from paved.store.catalog import EntityWrite, Triple

MAX_FILES = 10_000
LOCAL_REFUSED = "refused: only a file location (registered by an admin) may read the server's files"


def location_key(type_: str, target: str) -> str:
    return f"{type_}:{target}"


class Processed(NamedTuple):
    """An entity as processing leaves it: what to store (`write`, its relations included),
    its errors, and for a Location its spec (the files it points at). Small and a tuple, as
    it crosses from a worker process."""

    ref: EntityRef
    errors: list[str]
    source: str
    write: EntityWrite
    location_spec: dict[str, Any] | None = None


@dataclass(frozen=True)
class LocationError:
    location: str
    message: str
    entity: str | None = None


@dataclass
class Outcome:
    entities: list[Processed] = field(default_factory=list)
    errors: list[LocationError] = field(default_factory=list)


def iter_location(
    reader: Reader, type_: str, target: str, workers: Workers | None = None
) -> Iterator[Outcome]:
    """What a location yields, one file at a time (so a huge location never sits in memory).

    With `workers`, files are processed in worker processes, several at once; what they
    yield comes back in the order the files were found, so the first definition of an
    entity wins as it does in one process.
    """
    workers = workers or Workers.none()
    origin = location_key(type_, target)
    local_allowed = reading.is_local(type_, target)
    queue: deque[tuple[str, str, bool]] = deque([(type_, target, False)])
    seen: set[str] = set()
    claimed: dict[str, str] = {}
    pending: deque[Future[FileResult]] = deque()
    while queue or pending:
        while queue and len(pending) < workers.window and len(seen) < MAX_FILES:
            queued = queue.popleft()
            pending += _start_files(reader, workers, queued, seen, origin, local_allowed)
        if not pending:
            return
        found_in_file, errors, kind, concrete = pending.popleft().result()
        outcome = Outcome(errors=errors)
        for found in found_in_file:
            _claim(found, claimed, outcome)
            queue += _children(found, kind, concrete)
        yield outcome


FileResult = tuple[list["Processed"], list[LocationError], str, str]


def _start_files(
    reader: Reader,
    workers: Workers,
    queued: tuple[str, str, bool],
    seen: set[str],
    origin: str,
    local_allowed: bool,
) -> list[Future[FileResult]]:
    """Start processing the files a queued (type, pattern, is_glob) names, in their order
    (those not seen before); a local file only when the location itself is local."""
    kind, pattern, from_glob = queued
    try:
        targets = reader.expand(kind, pattern)
    except PavedError as err:
        return [_failed(LocationError(location_key(kind, pattern), str(err)), kind, pattern)]
    started = []
    for concrete in targets:
        key = location_key(kind, concrete)
        if key in seen:
            continue
        seen.add(key)
        if reading.is_local(kind, concrete) and not local_allowed:
            started.append(_failed(LocationError(key, LOCAL_REFUSED), kind, concrete))
            continue
        try:
            text = reader.read(kind, concrete)
        except NotFoundError as err:
            if not from_glob:
                error = LocationError(key, f"not found: {err}")
                started.append(_failed(error, kind, concrete))
            continue
        except PavedError as err:
            error = LocationError(key, f"cannot be read: {err}")
            started.append(_failed(error, kind, concrete))
            continue
        if may_substitute(text):  # substitutions read further files: only this process can
            started.append(here(process_file, kind, concrete, text, origin, reader))
        else:
            started.append(workers.run(len(text), process_file, kind, concrete, text, origin))
    return started


def _failed(error: LocationError, kind: str, target: str) -> Future[FileResult]:
    return here(lambda: ([], [error], kind, target))


def _claim(found: Processed, claimed: dict[str, str], outcome: Outcome) -> None:
    earlier = claimed.get(found.ref.key)
    if earlier is not None:
        message = f"{found.ref.key} is also defined in {earlier}; the first definition is kept"
        outcome.errors.append(LocationError(found.source, message, found.ref.key))
        return
    claimed[found.ref.key] = found.source
    outcome.entities.append(found)
    for message in found.errors:
        outcome.errors.append(LocationError(found.source, message, found.ref.key))


def _children(found: Processed, kind: str, target: str) -> list[tuple[str, str, bool]]:
    """The (type, target, is_glob) a valid Location entity points at."""
    if found.location_spec is None or found.errors:
        return []
    spec = found.location_spec
    child_type = spec.get("type") or kind
    targets = [*([spec["target"]] if spec.get("target") else []), *(spec.get("targets") or [])]
    children = []
    for child in targets:
        resolved = reading.resolve(kind, target, child) if child_type == kind else child
        children.append((child_type, resolved, any(c in child for c in "*?[")))
    return children


def process_file(
    kind: str, target: str, text: str, origin: str, reader: Reader | None = None
) -> FileResult:
    """The entities of one file's text and the file's own errors (run in a worker process
    when `reader` is None: then the text has no substitutions)."""
    source = location_key(kind, target)
    errors: list[LocationError] = []
    try:
        documents = parse_documents(text, target)
    except InputError as err:
        return [], [LocationError(source, str(err))], kind, target
    found = []
    substituting = reader if reader is not None and may_substitute(text) else None
    for index, document in enumerate(documents, start=1):
        if not isinstance(document, dict):
            message = f"document {index} is not a mapping but {type(document).__name__}"
            errors.append(LocationError(source, message))
            continue
        try:
            ref = ref_of_entity(document)
        except InputError as err:
            errors.append(LocationError(source, f"document {index}: {err}"))
            continue
        found.append(process_entity(substituting, document, ref, kind, target, origin))
    return found, errors, kind, target


def process_entity(
    reader: Reader | None,
    document: dict[str, Any],
    ref: EntityRef,
    kind: str,
    target: str,
    origin: str,
) -> Processed:
    """One entity: substituted, annotated with where it came from, validated and related."""
    errors: list[str] = []
    entity = document
    if reader is not None:

        def fetch(relative: str) -> str:
            resolved = reading.resolve(kind, target, relative)
            if reading.is_local(kind, resolved) and not reading.is_local(kind, target):
                raise InputError(LOCAL_REFUSED)
            return reader.read(kind, resolved)

        try:
            entity = substitute(document, fetch)
        except InputError as err:
            errors.append(str(err))
    entity = _annotated(entity, location_key(kind, target), origin)
    if not errors:
        errors += validate_entity(entity)
    relations: list[Triple] = []
    if not errors:
        relations, ref_errors = relations_of(entity, ref)
        errors += ref_errors
    source = location_key(kind, target)
    write = to_write(ref, entity, relations, errors, source)
    spec = entity.get("spec") if ref.kind.lower() == "location" else None
    return Processed(ref, errors, source, write, spec if isinstance(spec, dict) else None)


def _annotated(entity: dict[str, Any], source: str, origin: str) -> dict[str, Any]:
    metadata = entity.get("metadata")
    if not isinstance(metadata, dict):
        return entity
    annotations = metadata.get("annotations")
    if annotations is not None and not isinstance(annotations, dict):
        return entity
    extra = {LOCATION_ANNOTATION: source, ORIGIN_ANNOTATION: origin}
    return {**entity, "metadata": {**metadata, "annotations": {**(annotations or {}), **extra}}}
