"""A local HTTP server that plays an SMS provider in the tests."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeProvider:
    """SMS provider on 127.0.0.1 that answers from a list of planned replies.

    Each reply is ``accept``, ``reject`` (400, bad number), ``error`` (500
    without a message id), ``unauthorized`` (401) or ``timeout`` (answers
    after ``slow_seconds``). When the plan is used up, it accepts.
    """

    def __init__(self, slow_seconds=2.0):
        self.plan = []
        self.requests = []
        self.dropped = []
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = {key: values[0] for key, values in parse_qs(raw).items()}
                with provider._lock:
                    provider.requests.append(
                        {"headers": dict(self.headers), "body": body}
                    )
                    reply = provider.plan.pop(0) if provider.plan else "accept"
                    number = len(provider.requests)
                if reply == "timeout":
                    time.sleep(provider.slow_seconds)
                    self._answer(200, {"id": f"late-{number}"})
                elif reply == "accept":
                    self._answer(200, {"status": "OK", "id": f"prov-{number}"})
                elif reply == "reject":
                    self._answer(400, {"status": "ERROR", "error": "invalid number"})
                elif reply == "unauthorized":
                    self._answer(401, {"status": "ERROR", "error": "bad api key"})
                else:
                    self._answer(500, {"status": "ERROR", "error": "try later"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError) as error:
                    # The client gave up waiting (the timeout case).
                    provider.dropped.append(error)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port_url():
    """Return a 127.0.0.1 URL on a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/send"
