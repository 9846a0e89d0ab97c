#!/usr/bin/env python3
"""Bearer token issuer for the registry tests.

Speaks the token half of the distribution auth spec: GET /token?service=S&scope=...
answers {"token": JWT, "expires_in": N}. The JWT is RS256, signed with
openssl using --key, and carries --cert in its x5c header; the registry
trusts it through `auth: token: rootcertbundle`. Every request is logged
(one line) so tests can count token requests and see which user asked.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(cert_path):
    der = subprocess.run(["openssl", "x509", "-in", cert_path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()


def sign(key_path, data):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path],
                          input=data, check=True, capture_output=True).stdout


def access_claims(scopes):
    access = []
    for scope in scopes:
        for one in scope.split(" "):
            parts = one.split(":")
            if len(parts) >= 3:
                access.append({"type": parts[0], "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
    return access


class Issuer:
    def __init__(self, args):
        self.args = args
        self.x5c = cert_der_b64(args.cert)
        self.lock = threading.Lock()
        self.issued = 0

    def token(self, subject, scopes):
        with self.lock:
            self.issued += 1
            expired = self.issued <= self.args.expired_first
        now = int(time.time())
        # An "expired" token is well past the registry's clock leeway.
        exp = now - 3600 if expired else now + self.args.lifetime
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": self.args.issuer, "sub": subject, "aud": self.args.service,
                  "exp": exp, "nbf": now - 7200 if expired else now - 10, "iat": now,
                  "jti": str(uuid.uuid4()), "access": access_claims(scopes)}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        return signing_input.decode() + "." + b64url(sign(self.args.key, signing_input))


def make_handler(issuer, args):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            pass

        def user(self):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return None
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return "?"
            return user if f"{user}:{password}" == args.creds else "?"

        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            query = parse_qs(url.query)
            scopes = query.get("scope", [])
            user = self.user()
            with open(args.log, "a") as log:
                log.write(f"token service={','.join(query.get('service', []))} scope={' '.join(scopes)} "
                          f"user={user or 'anonymous'}\n")
            if url.path != "/token":
                return self.reply(404, {"error": "not found"})
            if user == "?" or (args.creds and user is None and not args.anonymous):
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
            token = issuer.token(user or "", scopes)
            self.reply(200, {"token": token, "access_token": token, "expires_in": args.expires_in,
                             "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--issuer", default="test-issuer")
    p.add_argument("--service", default="test-registry")
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--creds", default="", help="USER:PASS that may ask for tokens")
    p.add_argument("--anonymous", action="store_true", help="also serve anonymous requests")
    p.add_argument("--expired-first", type=int, default=0, help="the first N tokens are already expired")
    p.add_argument("--lifetime", type=int, default=300)
    p.add_argument("--expires-in", type=int, default=300, help="what the response claims")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Issuer(args), args))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
