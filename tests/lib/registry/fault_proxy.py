#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of a test registry.

Passes requests to --upstream (127.0.0.1:PORT) and breaks blob downloads
(GET /v2/<name>/blobs/sha256:...) the way networks and registries do:

  500          answer 500 to the first --count blob requests
  reset        send the headers and half the body, then reset the connection
  truncate     send half the body without a Content-Length, then close cleanly
  wrong-digest serve the blob with one byte flipped (same length), always
  redirect-loop  redirect a blob request to itself, forever
  redirect-host  redirect blob requests to a second listener (another origin)
               that serves the blob; it logs whether Authorization came along
  stall        send half the body, then nothing (the client must time out)
  hold         send nothing until --hold-file exists (at most --stall seconds),
               then the whole blob: a download that is still running
  manifest     answer manifest requests with --manifest-body FILE (Content-Type
               --manifest-type); Docker-Content-Digest stays the registry's
               unless --own-digest (then it is the file's)
  none         no faults

--count limits a fault to the first N blob requests (default: all);
--only DIGEST to the requests for that blob. --ignore-range drops Range
headers on the way up, like a server without range support.
--basic USER:PASS makes the proxy itself demand Basic auth on /v2/.
It also answers as a forward proxy (absolute request URIs), for http_proxy tests.
Every request is logged as one line: "<listener> <method> <path> auth=<yes|no> range=<...>".
"""
import argparse
import base64
import hashlib
import http.client
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOB_RE = re.compile(r"^/v2/.+/blobs/sha256:[0-9a-f]{64}$")
MANIFEST_RE = re.compile(r"^/v2/.+/manifests/[^/]+$")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate"}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.blob_requests = 0
        self.side_port = 0

    def take_fault(self, path):
        """The fault for this blob request, counting it."""
        if self.args.only and not path.endswith(self.args.only):
            return "none"
        with self.lock:
            self.blob_requests += 1
            n = self.blob_requests
        if self.args.count and n > self.args.count:
            return "none"
        return self.args.mode


def upstream_get(args, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", args.upstream, timeout=60)
    dropped = HOP_HEADERS | {"host"} | ({"range"} if args.ignore_range else set())
    fwd = {k: v for k, v in headers.items() if k.lower() not in dropped}
    fwd["Host"] = f"127.0.0.1:{args.upstream}"
    conn.request("GET", path, headers=fwd)
    return conn, conn.getresponse()


def make_handler(state, listener):
    args = state.args

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def log_request_line(self):
            auth = "yes" if self.headers.get("Authorization") else "no"
            with open(args.log, "a") as log:
                log.write(f"{listener} {self.command} {self.path} auth={auth} "
                          f"range={self.headers.get('Range', '-')}\n")

        def send_plain(self, code, extra=None, body=b""):
            self.send_response(code)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def authorised(self):
            if not args.basic or listener != "main":
                return True
            want = "Basic " + base64.b64encode(args.basic.encode()).decode()
            if self.headers.get("Authorization") == want:
                return True
            self.send_plain(401, {"WWW-Authenticate": 'Basic realm="fault-proxy"',
                                  "Content-Type": "application/json"},
                            b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
            return False

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            self.log_request_line()
            if self.path.startswith("http://"):
                # asked as a forward proxy (http_proxy=...): the target is the upstream anyway
                self.path = "/" + self.path.split("/", 3)[3]
            if listener == "side":
                return self.serve_side()
            if not self.authorised():
                return
            if args.mode == "manifest" and MANIFEST_RE.match(self.path):
                return self.serve_manifest()
            fault = state.take_fault(self.path) if (self.command == "GET" and BLOB_RE.match(self.path)) else "none"
            if fault == "500":
                return self.send_plain(500, {"Content-Type": "application/json"},
                                       b'{"errors":[{"code":"UNKNOWN","message":"injected failure"}]}')
            if fault == "redirect-loop":
                return self.send_plain(302, {"Location": self.path})
            if fault == "redirect-host":
                return self.send_plain(307, {"Location": f"http://127.0.0.1:{state.side_port}/side{self.path}"})
            self.relay(self.path, fault)

        def serve_manifest(self):
            with open(args.manifest_body, "rb") as f:
                body = f.read()
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            if not args.own_digest:
                conn, resp = upstream_get(args, self.path, self.headers)
                resp.read()
                conn.close()
                digest = resp.getheader("Docker-Content-Digest", digest)
            self.send_plain(200, {"Content-Type": args.manifest_type, "Docker-Content-Digest": digest}, body)

        def serve_side(self):
            if not self.path.startswith("/side/"):
                return self.send_plain(404)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
            self.relay(self.path[len("/side"):], "none", headers)

        def relay(self, path, fault, headers=None):
            if fault == "hold":
                deadline = time.monotonic() + args.stall
                while not os.path.exists(args.hold_file) and time.monotonic() < deadline:
                    time.sleep(0.05)
                fault = "none"
            conn, resp = upstream_get(args, path, headers if headers is not None else self.headers)
            try:
                body = resp.read() if self.command == "GET" else b""
            finally:
                conn.close()
            if fault in ("reset", "truncate", "stall") and resp.status not in (200, 206):
                fault = "none"
            if fault == "wrong-digest" and body:
                body = bytes([body[0] ^ 0xFF]) + body[1:]
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() in HOP_HEADERS or k.lower() == "content-length":
                    continue
                self.send_header(k, v)
            if fault == "truncate":
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.send_header("Content-Length", resp.getheader("Content-Length", str(len(body))))
            self.end_headers()
            if fault == "stall":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                time.sleep(args.stall)
                self.close_connection = True
                return
            if fault == "reset":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                time.sleep(0.5)  # let the client read what was sent before the reset
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            self.wfile.write(body)

        def handle(self):
            try:
                super().handle()
            except (ConnectionError, OSError):
                pass

    return Handler


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(path + ".tmp", path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--mode", default="none")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--only", default="")
    p.add_argument("--ignore-range", action="store_true")
    p.add_argument("--stall", type=float, default=10.0, help="seconds a stalled response hangs")
    p.add_argument("--hold-file", default="", help="hold: the file whose existence releases the blob")
    p.add_argument("--basic", default="")
    p.add_argument("--manifest-body", default="")
    p.add_argument("--manifest-type", default="application/vnd.docker.distribution.manifest.v1+prettyjws")
    p.add_argument("--own-digest", action="store_true")
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()
    state = State(args)
    side = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, "side"))
    state.side_port = side.server_address[1]
    threading.Thread(target=side.serve_forever, daemon=True).start()
    main_server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, "main"))
    write_port(args.port_file, main_server.server_address[1])
    try:
        main_server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
