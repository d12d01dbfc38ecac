"""The optional engine against a real local HTTP server speaking the chat-completions shape."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from news_articles import article

from detente.draft import LlmEngine, extract
from detente.errors import ArticleError

PESKOV = "Moscow would not accept foreign troops in Ukraine"


class Stub:
    """A chat-completions server whose next answer (the message content) the test sets."""

    def __init__(self) -> None:
        self.content = ""
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.requests.append({"path": self.path, "body": json.loads(body)})
                answer = {"choices": [{"message": {"role": "assistant", "content": stub.content}}]}
                data = json.dumps(answer).encode()
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def stub() -> Iterator[Stub]:
    s = Stub()
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def answer(*items: dict[str, Any]) -> str:
    return json.dumps({"statements": list(items)})


def test_llm_statements_are_kept_when_their_quote_is_verbatim(stub: Stub) -> None:
    stub.content = answer(
        {"kind": "rejection", "quote": PESKOV, "speaker": "Peskov", "actor": "russia",
         "issues": ["foreign_forces"]},
    )  # fmt: skip
    ex = extract([article("attribution.txt")], llm=LlmEngine(stub.url, "local-model"))
    [s] = ex.statements
    assert (s.kind, s.actor, s.speaker, s.issues, s.quote) == (
        "rejection", "russia", "Peskov", ("foreign_forces",), PESKOV,
    )  # fmt: skip
    assert ex.dropped == ()
    sent = stub.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"]["model"] == "local-model"
    assert sent["body"]["response_format"]["type"] == "json_schema"


def test_an_invented_quote_is_dropped_and_reported(stub: Stub) -> None:
    stub.content = answer(
        {"kind": "rejection", "quote": PESKOV, "speaker": "Peskov", "actor": "russia"},
        {"kind": "commitment", "quote": "Russia will withdraw from Crimea tomorrow",
         "speaker": "Peskov", "actor": "russia"},
    )  # fmt: skip
    ex = extract([article("attribution.txt")], llm=LlmEngine(stub.url + "/v1", "m"))
    assert [s.quote for s in ex.statements] == [PESKOV]
    [dropped] = ex.dropped
    assert dropped.endswith(
        '"Russia will withdraw from Crimea tomorrow" is not in the article (dropped)'
    )


def test_an_answer_outside_the_schema_is_a_clear_error(stub: Stub) -> None:
    stub.content = json.dumps({"statements": [{"kind": "threat", "quote": "x"}]})
    with pytest.raises(ArticleError, match="does not follow the schema"):
        extract([article("attribution.txt")], llm=LlmEngine(stub.url, "m"))


def test_a_failing_endpoint_is_a_clear_error(stub: Stub) -> None:
    stub.status = 500
    with pytest.raises(ArticleError, match=r"the language-model endpoint .* failed"):
        extract([article("attribution.txt")], llm=LlmEngine(stub.url, "m"))


def test_content_that_is_not_json_is_a_clear_error(stub: Stub) -> None:
    stub.content = "Sure! Here are the statements:"
    with pytest.raises(ArticleError, match="did not answer in the chat-completions shape"):
        extract([article("attribution.txt")], llm=LlmEngine(stub.url, "m"))
