#!/usr/bin/env python3
"""Users and security of the web layer, against a real netlens on 127.0.0.1: anonymous callers
get 401 (API) or a redirect to the login page (pages); admin/admin must change its password
first; sessions use an HttpOnly SameSite cookie and every state-changing request needs the
CSRF token; HTTP Basic and API tokens work (and revoked tokens do not); a viewer limited to a
network sees only its hosts and flows and cannot administer; failed logins are rate-limited;
users and preferences survive a restart (same -d)."""
import json
import os
import time
import urllib.error
import urllib.request

import nltest
from nltest import basic
from nltest import Failure, check, check_eq
from test_api import free_port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


class Client:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.cookie = None
        self.csrf = None
        self.opener = urllib.request.build_opener(NoRedirect)

    def call(self, method, path, body=None, headers=None, expect=200, raw=False):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, headers=h, method=method)
        try:
            with self.opener.open(req, timeout=20) as r:
                status, text, hdrs = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read(), e.headers
        if status != expect:
            raise Failure(f"{method} {path}: expected HTTP {expect}, got {status}: {text[:300]!r}")
        if set_cookie := hdrs.get("Set-Cookie"):
            self.cookie = set_cookie.split(";")[0]
        if raw:
            return text, hdrs
        return json.loads(text) if text else None

    def login(self, user, password, expect=200):
        doc = self.call("POST", "/api/v1/login", {"user": user, "password": password}, expect=expect)
        if expect == 200:
            self.csrf = doc["csrf_token"]
        return doc

    def post(self, path, body, expect=200, csrf=True):
        return self.call("POST", path, body, {"X-CSRF-Token": self.csrf} if csrf and self.csrf else {}, expect)

    def put(self, path, body, expect=200):
        return self.call("PUT", path, body, {"X-CSRF-Token": self.csrf} if self.csrf else {}, expect)


def wait_up(port, timeout=20):
    deadline = time.monotonic() + timeout
    c = Client(port)
    while time.monotonic() < deadline:
        try:
            c.call("GET", "/api/v1/status", expect=401)
            return
        except (OSError, Failure):
            time.sleep(0.1)
    raise Failure("netlens's web server did not come up")


def body(args, tmp):
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    data = os.path.join(tmp, "data")
    port = free_port()
    cmd = [args.netlens, "-q", "-i", pcap, "-m", "192.168.0.0/16", "-w", f"127.0.0.1:{port}", "-d", data]
    proc = nltest.start(cmd)
    try:
        wait_up(port)
        anon = Client(port)
        err = anon.call("GET", "/api/v1/interfaces/0/hosts", expect=401)
        check("error" in err, "API without credentials: 401 with a JSON error")
        _, hdrs = anon.call("GET", "/", expect=302, raw=True)
        check(hdrs["Location"].startswith("/login.html"), "a page without a session redirects to the login page")
        anon.call("GET", "/login.html", expect=200, raw=True)
        print("  ok: the login page is public")

        admin = Client(port)
        admin.login("admin", "wrong", expect=401)
        me = admin.login("admin", "admin")
        check(me["must_change_password"], "admin/admin must change its password")
        admin.call("GET", "/api/v1/interfaces", expect=403)
        print("  ok: nothing else works before the change")
        admin.post("/api/v1/me/password", {"old": "admin", "new": "short"}, expect=400)
        admin.post("/api/v1/me/password", {"old": "admin", "new": "s3cret-enough"}, csrf=False, expect=403)
        print("  ok: a state-changing request without the CSRF token is refused")
        changed = admin.post("/api/v1/me/password", {"old": "admin", "new": "s3cret-enough"})
        admin.csrf = changed["csrf_token"]
        me = admin.call("GET", "/api/v1/me")
        check_eq(me["csrf_token"], admin.csrf, "GET /api/v1/me gives the session's CSRF token")
        ifaces = admin.call("GET", "/api/v1/interfaces")
        check_eq(len(ifaces), 1, "after the change the admin sees the interface")
        Client(port).login("admin", "admin", expect=401)
        print("  ok: the old password no longer works")

        # The cookie's attributes.
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/login", method="POST",
                                     data=json.dumps({"user": "admin", "password": "s3cret-enough"}).encode())
        with urllib.request.urlopen(req, timeout=20) as r:
            cookie = r.headers["Set-Cookie"]
        check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie is HttpOnly and SameSite", cookie)

        # HTTP Basic, API tokens.
        via_basic = Client(port).call("GET", "/api/v1/interfaces", headers=basic("admin", "s3cret-enough"))
        check_eq(len(via_basic), 1, "HTTP Basic works")
        tok = admin.post("/api/v1/me/tokens", {"label": "scripts"}, expect=201)
        listed = admin.call("GET", "/api/v1/me/tokens")
        check_eq([(t["id"], t["label"]) for t in listed], [(tok["id"], "scripts")], "tokens are listed (without secrets)")
        check(tok["token"] not in json.dumps(listed), "the list never shows a token's secret")
        bearer = {"Authorization": "Bearer " + tok["token"]}
        check_eq(len(Client(port).call("GET", "/api/v1/interfaces", headers=bearer)), 1, "an API token works")
        admin.call("DELETE", f"/api/v1/me/tokens/{tok['id']}", headers={"X-CSRF-Token": admin.csrf})
        Client(port).call("GET", "/api/v1/interfaces", headers=bearer, expect=401)
        print("  ok: a revoked token is refused")

        # A viewer limited to one network.
        admin.post("/api/v1/users", {"user": "alice", "password": "alice-pass-1", "role": "viewer",
                                     "allowed_networks": ["192.168.5.0/24"]}, expect=201)
        admin.post("/api/v1/users", {"user": "bob", "password": "x"}, expect=400)
        admin.post("/api/v1/users", {"user": "carol", "password": "carol-pass-1", "allowed_networks": ["10.0.0.0/99"]},
                   expect=400)
        print("  ok: bad users are refused with 400")
        alice = Client(port)
        alice.login("alice", "alice-pass-1")
        all_hosts = admin.call("GET", "/api/v1/interfaces/0/hosts?per_page=1000")
        seen = alice.call("GET", "/api/v1/interfaces/0/hosts?per_page=1000")
        expected = sorted(h["ip"] for h in all_hosts["hosts"] if h["ip"].startswith("192.168.5."))
        check(expected, "the capture has hosts in 192.168.5.0/24")
        check_eq(sorted(h["ip"] for h in seen["hosts"]), expected, "a viewer sees only the hosts of its network")
        flows = alice.call("GET", "/api/v1/interfaces/0/flows?per_page=1000")
        check(flows["total"] > 0 and all(f["client_ip"].startswith("192.168.5.") or f["server_ip"].startswith("192.168.5.")
                                         for f in flows["flows"]), "and only the flows that touch it")
        other = next(h["ip"] for h in all_hosts["hosts"] if not h["ip"].startswith("192.168.5."))
        alice.call("GET", f"/api/v1/interfaces/0/hosts/{other}", expect=404)
        alice.call("GET", "/api/v1/users", expect=403)
        alice.post("/api/v1/users", {"user": "mallory", "password": "mallory-pass"}, expect=403)
        print("  ok: a viewer cannot see other hosts nor administer")

        # Rate limiting of failed logins.
        mallet = Client(port)
        for _ in range(5):
            mallet.login("alice", "guess", expect=401)
        mallet.login("alice", "guess", expect=429)
        mallet.login("alice", "alice-pass-1", expect=429)
        print("  ok: after 5 failures logins are refused (429), even with the right password")

        admin.put("/api/v1/preferences/scratch", "{\"a\": 1}")
        admin.call("DELETE", "/api/v1/preferences/scratch", headers={"X-CSRF-Token": admin.csrf})
        check("scratch" not in admin.call("GET", "/api/v1/preferences"), "a preference can be removed")
        admin.put("/api/v1/preferences/flow_idle_timeout", "1")
        admin.put("/api/v1/preferences/flow_idle_timeout", "0", expect=400)
        admin.put("/api/v1/preferences/local_host_applications", "\"yes\"", expect=400)
        admin.put("/api/v1/preferences/flow_idle_timeout", "{not json", expect=400)
        print("  ok: runtime preferences are checked (400 for bad values)")
        admin.call("POST", "/api/v1/logout", headers={"X-CSRF-Token": admin.csrf})
        admin.call("GET", "/api/v1/interfaces", expect=401)
        print("  ok: logout ends the session")
    finally:
        nltest.kill_quietly(proc)

    # Users and preferences persist in the data directory.
    port = free_port()
    cmd[cmd.index("-w") + 1] = f"127.0.0.1:{port}"
    proc = nltest.start(cmd)
    try:
        wait_up(port)
        c = Client(port)
        c.login("admin", "s3cret-enough")
        prefs = c.call("GET", "/api/v1/preferences")
        check_eq(prefs.get("flow_idle_timeout"), 1, "preferences survive a restart")
        deadline = time.monotonic() + 20
        while True:
            iface = c.call("GET", "/api/v1/interfaces/0")["interface"]
            if iface["flows"]["expired"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check(iface["flows"]["expired"] > 0, "the stored flow_idle_timeout applies: flows of the file expire",
              iface["flows"])
        check_eq(sorted(u["user"] for u in c.call("GET", "/api/v1/users")), ["admin", "alice"], "users survive a restart")
        db = open(os.path.join(data, "netlens.db"), "rb").read()
        check(b"s3cret-enough" not in db and b"alice-pass-1" not in db, "no password is stored in clear")
    finally:
        nltest.kill_quietly(proc)


if __name__ == "__main__":
    nltest.main(body, __doc__)
