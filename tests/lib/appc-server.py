#!/usr/bin/env python3
"""appc-server.py ROOT PORTFILE [--tls CERT KEY] [--basic USER:PASS] [--bind ADDR]:
a small HTTP(S) server on 127.0.0.1 (or ADDR) for the Appc discovery tests. GET /PATH serves
ROOT/PATH; GET /PATH?ac-discovery=1 serves ROOT/PATH/ac-discovery.html (404
when absent). ROOT/redirects holds lines "PATH LOCATION": GET /PATH answers
302 to LOCATION. Each request is appended to ROOT/requests.log. --tls serves
https with that certificate; --basic answers 401 with a Basic challenge to
any request without those credentials. ROOT/auth.log gets "HOST PATH
auth=none|good|bad" per request. The chosen port is written to PORTFILE."""
import argparse
import base64
import http.server
import os
import ssl
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("root")
ap.add_argument("portfile")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--basic", metavar="USER:PASS")
ap.add_argument("--bind", default="127.0.0.1")
ARGS = ap.parse_args()
ROOT, PORTFILE = ARGS.root, ARGS.portfile


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_body(self, status, body, ctype="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def auth_state(self):
        given = self.headers.get("Authorization")
        if given is None:
            return "none"
        want = "Basic " + base64.b64encode((ARGS.basic or "").encode()).decode()
        return "good" if ARGS.basic and given == want else "bad"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        with open(os.path.join(ROOT, "requests.log"), "a") as log:
            log.write(self.path + "\n")
        state = self.auth_state()
        with open(os.path.join(ROOT, "auth.log"), "a") as log:
            log.write("%s %s auth=%s\n" % (self.headers.get("Host"), self.path, state))
        if ARGS.basic and state != "good":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="appc test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        redirects = os.path.join(ROOT, "redirects")
        if os.path.exists(redirects):
            for line in open(redirects):
                src, _, dst = line.strip().partition(" ")
                if src == url.path:
                    self.send_response(302)
                    self.send_header("Location", dst)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
        path = os.path.normpath(os.path.join(ROOT, url.path.lstrip("/")))
        if not path.startswith(os.path.abspath(ROOT)):
            return self.send_body(403, b"")
        if "ac-discovery=1" in url.query:
            path = os.path.join(path, "ac-discovery.html")
        if not os.path.isfile(path):
            return self.send_body(404, b"not found\n", "text/plain")
        with open(path, "rb") as f:
            self.send_body(200, f.read(), "text/html" if path.endswith(".html") else "application/octet-stream")


server = http.server.ThreadingHTTPServer((ARGS.bind, 0), Handler)
if ARGS.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.tls[0], ARGS.tls[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
