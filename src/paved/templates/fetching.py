"""The `fetch:template` and `fetch:plain` actions: a skeleton folder rendered into files.

As in Backstage, file contents and file names are templates over `values` (`${{ values.name }}`);
files matching `copyWithoutTemplating` (or the older `copyWithoutRender`) are copied as they are,
and with `templateFileExtension` only files ending in it (`.njk` by default) are rendered. A file
whose name renders to nothing is left out, which is how a template makes a file optional.

Nothing a template or a value says can write outside the repository: every rendered path is
checked (no `..`, no absolute path), and a skeleton's symlinks may not point outside its
template. Errors name the skeleton file and the line.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.exceptions import TemplateError, TemplateSyntaxError

from paved.core.errors import InputError, PermanentError
from paved.templates.expressions import environment

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 5_000
DEFAULT_EXTENSION = ".njk"


class TemplateRenderError(PermanentError):
    """A template file did not render; the message names the file and the line."""


@dataclass(frozen=True)
class FetchInput:
    """What one `fetch:*` step asks for, its expressions already evaluated."""

    url: str
    target: str
    values: Mapping[str, Any]
    verbatim: tuple[str, ...] = ()
    extension: str | None = None
    render: bool = True

    @classmethod
    def from_step(cls, action: str, given: Mapping[str, Any]) -> FetchInput:
        """The input of a `fetch:template` / `fetch:plain` step as Backstage spells it."""
        verbatim = given.get("copyWithoutTemplating") or given.get("copyWithoutRender") or ()
        extension = given.get("templateFileExtension")
        if extension is True:
            extension = DEFAULT_EXTENSION
        elif isinstance(extension, str) and not extension.startswith("."):
            extension = f".{extension}"
        return cls(
            url=str(given.get("url") or ""),
            target=str(given.get("targetPath") or "."),
            values=dict(given.get("values") or {}),
            verbatim=tuple(str(pattern) for pattern in verbatim),
            extension=extension if isinstance(extension, str) else None,
            render=action == "fetch:template",
        )


def fetch(template_dir: Path, template_name: str, step: FetchInput) -> dict[str, str]:
    """The files a fetch step produces, by repository path."""
    source = _source_dir(template_dir, template_name, step.url)
    target = safe_path(step.target, allow_root=True)
    context = {"values": step.values}
    files: dict[str, str] = {}
    for relative, path in _walk(template_dir, source, template_name):
        verbatim = not step.render or _matches(relative, step.verbatim)
        templated = not verbatim and (step.extension is None or relative.endswith(step.extension))
        name = relative
        if step.render:
            name = _render(template_name, f"{relative} (file name)", relative, context)
        if templated and step.extension:
            name = name.removesuffix(step.extension)
        if not name.strip() or name.endswith("/"):
            continue  # a name that renders to nothing: the template left this file out
        text = _read(path, template_name, relative)
        if templated:
            text = _render(template_name, relative, text, context)
        if len(text.encode()) > MAX_FILE_BYTES:
            raise TemplateRenderError(
                f"template {template_name}: {relative} renders to more than {MAX_FILE_BYTES} bytes"
            )
        out = safe_path(posixpath.join(target, name) if target else name)
        files[out] = text
        if len(files) > MAX_FILES:
            raise TemplateRenderError(f"template {template_name}: more than {MAX_FILES} files")
    return files


def safe_path(path: str, *, allow_root: bool = False) -> str:
    """`path` as a clean relative path inside the repository, or `InputError` when it leaves it."""
    text = path.replace("\\", "/")
    if "\0" in text or "\n" in text:
        raise InputError(f"path {path!r} holds a control character", field="template")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        raise InputError(
            f"path {path!r} is absolute: paths stay inside the repository", field="template"
        )
    if ".." in text.split("/"):
        raise InputError(f"path {path!r} leaves the repository", field="template")
    clean = posixpath.normpath(text) if text else "."
    if clean == ".":
        if allow_root:
            return ""
        raise InputError(f"path {path!r} names no file", field="template")
    return clean


def _source_dir(template_dir: Path, template_name: str, url: str) -> Path:
    if "://" in url or url.startswith(("github.com", "git@")):
        raise InputError(
            f"template {template_name}: fetching {url!r} is not supported; "
            "keep the skeleton beside template.yaml and use a relative url such as ./skeleton",
            field="template",
        )
    root = template_dir.resolve()
    source = (template_dir / (url or ".")).resolve()
    if source != root and root not in source.parents:
        raise InputError(
            f"template {template_name}: url {url!r} points outside the template", field="template"
        )
    if not source.is_dir():
        raise TemplateRenderError(f"template {template_name}: {url!r} is not a folder")
    return source


def _walk(template_dir: Path, source: Path, template_name: str) -> list[tuple[str, Path]]:
    """Every file under `source` (sorted), symlinks inside the template followed, others refused."""
    root = template_dir.resolve()
    found: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(source, followlinks=False):
        dirs.sort()
        for name in [*dirs, *names]:
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve()
                if target != root and root not in target.parents:
                    relative = path.relative_to(source).as_posix()
                    raise InputError(
                        f"template {template_name}: symlink {relative} points outside the template",
                        field="template",
                    )
        for name in sorted(names):
            path = Path(folder) / name
            found.append((path.relative_to(source).as_posix(), path))
    return found


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        clean = pattern.lstrip("./") if pattern.startswith("./") else pattern
        if clean.endswith("/"):
            clean += "*"
        if fnmatch.fnmatch(relative, clean) or (
            relative.startswith(clean.rstrip("*"))
            and (clean.endswith("/*") or clean.endswith("/**"))
        ):
            return True
    return False


def _read(path: Path, template_name: str, relative: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TemplateRenderError(
            f"template {template_name}: {relative} cannot be read: {err.strerror}"
        ) from err
    if len(data) > MAX_FILE_BYTES:
        raise TemplateRenderError(f"template {template_name}: {relative} is too large")
    try:
        return data.decode()
    except UnicodeDecodeError as err:
        raise TemplateRenderError(
            f"template {template_name}: {relative} is not UTF-8 text (binary files unsupported)"
        ) from err


def _render(template_name: str, where: str, text: str, context: Mapping[str, Any]) -> str:
    if "${{" not in text and "{%" not in text and "{#" not in text:
        return text
    try:
        return compile_template(text, where).render(context)
    except TemplateSyntaxError as err:
        raise TemplateRenderError(
            f"template {template_name}: {where} line {err.lineno}: {err.message}"
        ) from err
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as err:
        line = _line_of(err, where)
        at = f" line {line}" if line else ""
        raise TemplateRenderError(f"template {template_name}: {where}{at}: {err}") from err


def compile_template(text: str, name: str) -> Template:
    """`text` compiled as template `name`, so errors and tracebacks carry that name."""
    env = environment()
    code = env.compile(text, name=name, filename=name)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _line_of(err: BaseException, name: str) -> int | None:
    lines = [
        frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == name
    ]
    return lines[-1] if lines else None
