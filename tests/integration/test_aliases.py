#!/usr/bin/env python3
"""Host aliases: PUT/DELETE /api/v1/hosts/{ip}/alias for administrators only, with the session's
CSRF token; the alias is the name the hosts list shows and searches, and it survives a restart
(kept in the embedded store under the data directory)."""
import os
import urllib.parse

import nltest
from nltest import check, check_eq
from test_api import free_port
from test_auth import Client, wait_up

PASSWORD = "s3cret-enough"


def start(args, pcap, port, data):
    proc = nltest.start([args.netlens, "-q", "-i", pcap, "-w", f"127.0.0.1:{port}", "-d", data])
    wait_up(port)
    return proc


def host(c, ip):
    doc = c.call("GET", f"/api/v1/interfaces/0/hosts/{urllib.parse.quote(ip)}?flows=0")
    return doc["host"]


def body(args, tmp):
    pcap = os.path.join(args.pcaps, "iphone.pcap")
    data = os.path.join(tmp, "data")
    port = free_port()
    proc = start(args, pcap, port, data)
    try:
        admin = Client(port)
        admin.login("admin", "admin")
        admin.post("/api/v1/me/password", {"old": "admin", "new": PASSWORD})
        admin.cookie = admin.csrf = None
        admin.login("admin", PASSWORD)
        admin.post("/api/v1/users", {"user": "viewer1", "password": "viewer-pass-1", "role": "viewer"}, expect=201)

        target = "192.168.2.17"  # Lucas-iPhone, named by DHCP
        check_eq(host(admin, target).get("name"), "Lucas-iPhone", "before: the learned name")
        path = f"/api/v1/hosts/{target}/alias"
        # No CSRF token: refused; a viewer: refused; bad input: refused with a message.
        admin.call("PUT", path, {"alias": "phone"}, expect=403)
        viewer = Client(port)
        viewer.login("viewer1", "viewer-pass-1")
        viewer.call("PUT", path, {"alias": "phone"}, {"X-CSRF-Token": viewer.csrf}, expect=403)
        admin.put(path, {"alias": ""}, expect=400)
        admin.put(path, {"alias": "x" * 65}, expect=400)
        admin.put(path, {"name": "phone"}, expect=400)
        admin.put(path, "not json", expect=400)
        admin.put("/api/v1/hosts/not-an-ip/alias", {"alias": "phone"}, expect=400)
        check("alias" not in host(admin, target), "refused requests set no alias")

        doc = admin.put(path, {"alias": "Luca's phone"})
        check_eq(doc["alias"], "Luca's phone", "PUT answers with the alias")
        h = host(admin, target)
        check_eq((h.get("alias"), h.get("name")), ("Luca's phone", "Lucas-iPhone"), "the host carries alias and name")
        found = admin.call("GET", "/api/v1/interfaces/0/hosts?q=luca%27s&per_page=100")
        check_eq([x["ip"] for x in found["hosts"]], [target], "the hosts search finds the alias")
        viewer_view = viewer.call("GET", f"/api/v1/interfaces/0/hosts/{target}?flows=0")
        check_eq(viewer_view["host"].get("alias"), "Luca's phone", "viewers see the alias")
    finally:
        nltest.stop(proc)

    # A restart with the same data directory: the alias is still there; DELETE removes it.
    port = free_port()
    proc = start(args, pcap, port, data)
    try:
        admin = Client(port)
        admin.login("admin", PASSWORD)
        check_eq(host(admin, target).get("alias"), "Luca's phone", "the alias survives a restart")
        admin.call("DELETE", path, None, {"X-CSRF-Token": admin.csrf})
        check("alias" not in host(admin, target), "DELETE removes it")
        admin.call("DELETE", path, None, {"X-CSRF-Token": admin.csrf}, expect=404)
    finally:
        nltest.stop(proc)
    port = free_port()
    proc = start(args, pcap, port, data)
    try:
        admin = Client(port)
        admin.login("admin", PASSWORD)
        check("alias" not in host(admin, target), "and it stays removed after a restart")
    finally:
        nltest.stop(proc)


if __name__ == "__main__":
    nltest.main(body, __doc__)
