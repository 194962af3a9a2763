"""Helpers for the notification tests: a robot that listens on 127.0.0.1 only."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Robot:
    """A local stand-in for a DingTalk / WeCom robot. `answers` is consumed one per request
    (status, body); when empty every request gets 200 {"errcode": 0}."""

    server: ThreadingHTTPServer
    received: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        assert host == "127.0.0.1"
        return f"http://127.0.0.1:{port}/robot/send?access_token=test"


def start_robot() -> Robot:
    robot: Robot | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            query = parse_qs(urlparse(self.path).query)
            robot.received.append({"path": self.path, "query": query, "json": body})
            status, answer = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot = Robot(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return robot
