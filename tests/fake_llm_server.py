"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

    with FakeLLM() as llm:
        llm.script(Reply.answer({...}), Reply.rate_limited(7))   # in order, last repeats
        llm.handler = translator()                               # or compute each reply
        base_url = llm.base_url                                  # http://127.0.0.1:PORT/v1

Every request is recorded (`llm.requests`) with its headers and JSON body, so a
test can check the Authorization header and what the prompt contained. A
`Reply.stall()` holds its answer until the server stops: a client timeout is
what ends it, never a sleep in the test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """All message contents, joined: what the model was asked."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def paper(self) -> dict[str, Any]:
        """The JSON paper the prompt embeds ({} when there is none, or a batch)."""
        papers = self.papers
        return papers[0] if len(papers) == 1 and not self.is_batch else {}

    @property
    def is_batch(self) -> bool:
        return '"papers"' in self.prompt

    @property
    def papers(self) -> list[dict[str, Any]]:
        """The JSON paper(s) the first user message embeds: one, or a batch's list."""
        for message in self.body.get("messages", []):
            content = str(message.get("content", ""))
            if message.get("role") == "user" and ("{" in content or "[" in content):
                start = min(i for i in (content.find("{"), content.find("[")) if i >= 0)
                # raw_decode: a glossary may follow the JSON.
                data, _ = json.JSONDecoder().raw_decode(content[start:])
                return data if isinstance(data, list) else [data]
        return []

    @property
    def glossary(self) -> dict[str, str]:
        """The glossary the prompt carries ({} when none)."""
        for message in self.body.get("messages", []):
            content = str(message.get("content", ""))
            marker = "(glossary):\n"
            if message.get("role") == "user" and marker in content:
                return json.loads(content[content.index(marker) + len(marker) :])
        return {}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False  # hold the answer until the server stops
    drop: bool = False  # close the connection without answering

    @classmethod
    def completion(cls, content: str, *, prompt_tokens: int = 100, completion_tokens: int = 50):
        body = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
        return cls(
            200, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}
        )

    @classmethod
    def answer(cls, fields: dict[str, str], *, fence: bool = False, **usage: int) -> Reply:
        text = json.dumps(fields, ensure_ascii=False)
        if fence:
            text = f"```json\n{text}\n```"
        return cls.completion(text, **usage)

    @classmethod
    def malformed(cls, text: str = "Sure! Here is the translation: 标题", **usage: int) -> Reply:
        return cls.completion(text, **usage)

    @classmethod
    def error(cls, status: int, message: str = "", headers: dict[str, str] | None = None):
        body = json.dumps({"error": {"message": message or f"status {status}"}}).encode()
        return cls(status, body, {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def rate_limited(cls, retry_after: int | str = 1) -> Reply:
        return cls.error(429, "Rate limit reached", {"Retry-After": str(retry_after)})

    @classmethod
    def stalled(cls) -> Reply:
        return cls(stall=True)

    @classmethod
    def dropped(cls) -> Reply:
        return cls(drop=True)


Handler = Callable[[Request], Reply]


def chinese_for(paper: dict[str, Any]) -> dict[str, str]:
    """A deterministic stand-in translation that names the paper it translates
    (its English, then enough Chinese for `prompt.not_chinese` to take it)."""
    title, abstract = paper.get("title", ""), paper.get("abstract", "")[:40]
    return {
        "title_zh": f"译题：{title}{_chinese_enough(title)}",
        "summary_zh": f"本文研究{paper.get('arxiv_id', '')}。",
        "abstract_zh": f"摘要译文：{abstract}{_chinese_enough(abstract)}",
    }


def _chinese_enough(english: str) -> str:
    """`（译译…）`, an ideograph per English letter: an answer mostly in Latin
    letters is not Chinese (`prompt.not_chinese`)."""
    letters = sum(1 for c in english if c.isascii() and c.isalpha())
    return f"（{'译' * letters}）" if letters else ""


def translator(**usage: int) -> Handler:
    """A handler answering every request with `chinese_for` its paper(s), batches included."""

    def handle(request: Request) -> Reply:
        if request.is_batch:
            papers = [{"arxiv_id": p["arxiv_id"], **chinese_for(p)} for p in request.papers]
            return Reply.answer({"papers": papers}, **usage)
        return Reply.answer(chinese_for(request.paper), **usage)

    return handle


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.handler: Handler | None = None
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Answer requests with `replies` in order; the last one repeats."""
        with self._lock:
            self._script = list(replies)

    def _next(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.pop(0) if len(self._script) > 1 else self._script[0]
        if self.handler is not None:
            return self.handler(request)
        return Reply.error(500, "nothing scripted")

    def __enter__(self) -> FakeLLM:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"unparsable": raw.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._next(Request(self.path, headers, body))
                if reply.stall:
                    server._stopping.wait(30)
                    self.close_connection = True
                    return
                if reply.drop:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

        return Handler
