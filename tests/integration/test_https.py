#!/usr/bin/env python3
"""HTTPS (-W with --https-cert/--https-key): netlens serves the same API over TLS with a
certificate made by the test, the session cookie is marked Secure there, and a -W without a
certificate is refused at start with a clear message."""
import json
import os
import ssl
import subprocess
import time
import urllib.request

import nltest
from nltest import Failure, check, check_eq
from test_api import free_port


def body(args, tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    p = nltest.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1"])
    check_eq(p.returncode, 0, "openssl made a self-signed certificate")
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    port = free_port()
    proc = nltest.start([args.netlens, "-q", "-i", pcap, "-w", "0", "-W", f"127.0.0.1:{port}", "--https-cert", cert,
                         "--https-key", key, "-d", os.path.join(tmp, "data")])
    ctx = ssl.create_default_context(cafile=cert)
    ctx.check_hostname = False
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                req = urllib.request.Request(f"https://127.0.0.1:{port}/api/v1/login", method="POST",
                                             data=json.dumps({"user": "admin", "password": "admin"}).encode())
                with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
                    doc, cookie = json.loads(r.read()), r.headers["Set-Cookie"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure("no HTTPS answer")
                time.sleep(0.1)
        check(doc["must_change_password"], "login over HTTPS works (verified against the test's certificate)")
        check("Secure" in cookie and "HttpOnly" in cookie, "the session cookie is Secure over HTTPS", cookie)
        basic = nltest.basic("admin", "admin")
        req = urllib.request.Request(f"https://127.0.0.1:{port}/api/v1/me", headers=basic)
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            check_eq(json.loads(r.read())["user"], "admin", "the API answers over HTTPS")
    finally:
        nltest.kill_quietly(proc)
    bad = nltest.run([args.netlens, "-q", "-i", pcap, "-W", "127.0.0.1:1"])
    nltest.no_crash(bad, "-W without a certificate")
    check("--https-cert" in bad.stderr, "the message names what is missing", bad.stderr)


if __name__ == "__main__":
    nltest.main(body, __doc__)
