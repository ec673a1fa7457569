"""The CLI's own parsing (`--with`, `--tag`, `--param`), the SSE parser and the one-line errors."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from paved.cli import UsageError
from paved.cli.app import app
from paved.cli.output import error_line, rich_style
from paved.cli.services import build_spec, parse_pairs, parse_parameters, parse_with
from paved.client import ApiError, ClientError, PavedClient, ServerSentEvent, parse_sse
from paved.core.states import RequestState, StepState
from paved.schemas.problems import Problem

# -- --with -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "postgres",
            {"type": "postgres", "name": None, "size": "small", "params": {}},
            id="type-alone-takes-defaults",
        ),
        pytest.param(
            "redis:size=medium,name=cache",
            {"type": "redis", "name": "cache", "size": "medium", "params": {}},
            id="name-and-size-are-fields",
        ),
        pytest.param(
            "redis:maxmemory=1gb,size=large",
            {"type": "redis", "name": None, "size": "large", "params": {"maxmemory": "1gb"}},
            id="other-keys-are-params",
        ),
        pytest.param(
            "postgres:version=16, name=main",
            {"type": "postgres", "name": "main", "size": "small", "params": {"version": "16"}},
            id="spaces-around-items-are-ignored",
        ),
        pytest.param(
            "s3:acl=a=b",
            {"type": "s3", "name": None, "size": "small", "params": {"acl": "a=b"}},
            id="value-may-contain-equals",
        ),
    ],
)
def test_with_parses_type_fields_and_params(value: str, expected: dict[str, Any]) -> None:
    assert parse_with(value).model_dump(mode="json") == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        pytest.param("redis:size", "'size' is not KEY=VALUE", id="key-without-value"),
        pytest.param(":size=small", "missing or invalid resource type", id="no-type"),
        pytest.param("", "missing or invalid resource type", id="empty"),
        pytest.param("Redis", "missing or invalid resource type", id="uppercase-type"),
        pytest.param("redis:", "nothing after ':'", id="colon-without-items"),
        pytest.param("redis:=medium", "'=medium' is not KEY=VALUE", id="empty-key"),
        pytest.param("redis:size=small,size=large", "'size' is given twice", id="repeated-key"),
        pytest.param("redis:size=small,,name=x", "'' is not KEY=VALUE", id="empty-item"),
    ],
)
def test_bad_with_says_what_is_wrong_and_what_to_write(value: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_with(value)
    message = str(caught.value)
    assert says in message
    assert "use TYPE[:KEY=VALUE,...], e.g." in message
    assert "\n" not in message


# -- --tag, --param -----------------------------------------------------------------------


def test_pairs_split_at_the_first_equals_sign() -> None:
    assert parse_pairs(["tier=backend", "url=a=b", "empty="], "--tag", "k=v") == {
        "tier": "backend",
        "url": "a=b",
        "empty": "",
    }


@pytest.mark.parametrize(
    ("values", "says"),
    [
        pytest.param(["tier"], "--tag 'tier': expected KEY=VALUE, e.g. --tag k=v", id="no-equals"),
        pytest.param(["=x"], "--tag '=x': expected KEY=VALUE", id="empty-key"),
        pytest.param(["a=1", "a=2"], "--tag 'a' is given twice", id="repeated-key"),
    ],
)
def test_bad_pairs_are_refused(values: list[str], says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_pairs(values, "--tag", "k=v")
    assert says in str(caught.value)


def test_params_are_strings_unless_given_as_json() -> None:
    parsed = parse_parameters(["region=eu", "replicas:=3", "debug:=true", "ports:=[80, 443]"])
    assert parsed == {"region": "eu", "replicas": 3, "debug": True, "ports": [80, 443]}


@pytest.mark.parametrize(
    ("values", "says"),
    [
        pytest.param(["replicas:=three"], "not JSON; use replicas=text", id="bad-json"),
        pytest.param(["n=1", "n:=1"], "'n' is given twice", id="same-key-both-forms"),
    ],
)
def test_bad_params_are_refused(values: list[str], says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_parameters(values)
    assert says in str(caught.value)


def test_the_command_line_becomes_the_api_body() -> None:
    spec = build_spec(
        name="payments-api",
        template="python-api",
        team="checkout",
        environment="dev",
        description="Payments",
        tags=["tier=backend"],
        params=["replicas:=2"],
        resources=["postgres", "redis:size=medium,name=cache"],
    )
    assert spec.model_dump(mode="json") == {
        "name": "payments-api",
        "template": "python-api",
        "team": "checkout",
        "environment": "dev",
        "description": "Payments",
        "tags": {"tier": "backend"},
        "parameters": {"replicas": 2},
        "resources": [
            {"type": "postgres", "name": None, "size": "small", "params": {}},
            {"type": "redis", "name": "cache", "size": "medium", "params": {}},
        ],
    }


# -- the CLI's edge ----------------------------------------------------------------------

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("option", "says"),
    [
        pytest.param(["--with", "redis:size"], "error: --with 'redis:size'", id="bad-with"),
        pytest.param(["--tag", "tier"], "error: --tag 'tier': expected KEY=VALUE", id="bad-tag"),
    ],
)
def test_a_bad_option_value_is_one_line_and_exit_code_2(option: list[str], says: str) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    args = ["--url", url, "service", "create", "svc", "--template", "t", "--team", "a", *option]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(says)
    assert result.stderr.count("\n") == 1


def test_an_unreachable_server_is_one_line_and_exit_code_1() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    result = runner.invoke(app, ["--url", url, "service", "list"])
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot reach Paved at {url} — is `paved up` running?\n"


# -- errors -------------------------------------------------------------------------------


def _problem(**fields: Any) -> ApiError:
    body = {"type": "about:blank", "title": "Unprocessable", "status": 422, "detail": "bad input"}
    return ApiError.from_problem(Problem.model_validate({**body, **fields}))


@pytest.mark.parametrize(
    ("err", "line"),
    [
        pytest.param(
            _problem(
                **{"invalid-params": [{"name": "name", "reason": "must be a DNS-1123 label"}]}
            ),
            "error: name: must be a DNS-1123 label (422)",
            id="invalid-param-named",
        ),
        pytest.param(
            _problem(
                **{
                    "invalid-params": [
                        {"name": "team", "reason": "unknown"},
                        {"name": "resources.0.size", "reason": "too big"},
                    ]
                }
            ),
            "error: team: unknown; resources.0.size: too big (422)",
            id="several-invalid-params",
        ),
        pytest.param(
            _problem(status=409, title="Conflict", detail="service payments-api exists\nalready"),
            "error: service payments-api exists already (409)",
            id="detail-on-one-line",
        ),
        pytest.param(
            _problem(status=404, title="Not Found", detail=""),
            "error: Not Found (404)",
            id="title-when-no-detail",
        ),
        pytest.param(
            _problem(status=401, title="Unauthorized", detail="unknown token"),
            "error: unknown token (401) — pass --token or set PAVED_TOKEN",
            id="401-hints-at-the-token",
        ),
        pytest.param(
            ApiError.from_response(httpx.Response(502, text="<html>\n<b>Bad gateway</b></html>")),
            "error: <html> <b>Bad gateway</b></html> (502)",
            id="not-a-problem-body",
        ),
        pytest.param(
            UsageError("--with '': missing type"), "error: --with '': missing type", id="usage"
        ),
    ],
)
def test_errors_render_as_one_line(err: ClientError | UsageError, line: str) -> None:
    assert error_line(err) == line


def test_every_state_colour_renders() -> None:
    for colour in [s.colour for s in RequestState] + [s.colour for s in StepState]:
        assert rich_style(colour)


# -- server-sent events -------------------------------------------------------------------

SAMPLE_STREAM = (
    ": a comment, then a ping the server sends to keep the line open\n"
    "\n"
    "event: request\n"
    'data: {"id": "req_1",\n'
    'data:  "state": "running"}\n'
    "id: 1\n"
    "\n"
    "retry: 3000\n"
    "\r\n"
    "event:request\r\n"
    "data:{}\r\n"
    "\r\n"
    "data: no event name\n"
    "unknown: field\n"
    "\n"
    "event: request\n"
    "data: cut short by the end of the stream"
)


def test_sse_parser_reads_events_data_and_ids() -> None:
    events = list(parse_sse(SAMPLE_STREAM.split("\n")))
    assert events == [
        ServerSentEvent("request", '{"id": "req_1",\n "state": "running"}', "1"),
        ServerSentEvent("request", "{}", "1"),
        ServerSentEvent("message", "no event name", "1"),
    ]


def _request(state: str, step_state: str) -> dict[str, Any]:
    moment = "2030-01-01T00:00:00Z"
    step = {
        "key": "git:repo",
        "kind": "git",
        "title": "Create repository",
        "state": step_state,
        "attempts": 1,
    }
    return {
        "id": "req_1",
        "kind": "create_service",
        "service": "svc",
        "team": "t",
        "environment": "dev",
        "state": state,
        "actor": "admin",
        "created_at": moment,
        "updated_at": moment,
        "steps": [step],
    }


class _Api(BaseHTTPRequestHandler):
    """Streams two snapshots then ends early; the request itself answers with the last one."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.endswith("/events"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for snapshot in (_request("accepted", "pending"), _request("running", "running")):
                self.wfile.write(
                    f": ping\n\nevent: request\ndata: {json.dumps(snapshot)}\n\n".encode()
                )
            return
        body = json.dumps(_request("succeeded", "succeeded")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_waiting_follows_the_stream_then_polls_when_it_ends_early(api_url: str) -> None:
    seen: list[str] = []
    with PavedClient(api_url) as client:
        final = client.wait_for_request("req_1", lambda r: seen.append(r.state), poll_interval=0)
    assert final.state == "succeeded"
    assert seen == ["accepted", "running", "succeeded"]
