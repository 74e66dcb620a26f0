"""A local stand-in for the SMS and push providers (scripts/omni up): every POST body is
appended as one JSON line to <dir>/<path>.jsonl and answered 202."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

folder = Path(sys.argv[2])
folder.mkdir(parents=True, exist_ok=True)


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        name = self.path.strip("/").replace("/", "_") or "root"
        with open(folder / f"{name}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(json.loads(body or b"{}"), ensure_ascii=False) + "\n")
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
