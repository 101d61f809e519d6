#!/usr/bin/env python3
"""Tokens minted by one app work on the other: flask_twin.py (the real flask-jwt-extended) and
examples/reference_app.rs, both running.

    python3 scripts/interop_with_twin.py FLASK_PORT RUST_PORT

Start them first, e.g. (pip install 'flask-jwt-extended==4.7.*'):
    PORT=5078 python3 ../shared/conformance/flask_twin.py &
    PORT=5077 cargo run --example reference_app &
Exit status 0 when every request minted on one side gets the same answer on the other.
"""
import json
import sys
import urllib.error
import urllib.request


def call(port, method, path, headers=None, body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body.encode() if body is not None else None,
        method=method,
        headers=headers or {},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null"), resp.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), []


def run(mint, use):
    json_type = {"Content-Type": "application/json"}
    _, body, _ = call(mint, "POST", "/login", json_type, '{"username":"admin","password":"admin"}')
    access, refresh = body["access_token"], body["refresh_token"]
    bearer = {"Authorization": "Bearer " + access}
    checks = [
        ("GET /protected", call(use, "GET", "/protected", bearer), {"logged_in_as": "admin"}),
        ("GET /fresh", call(use, "GET", "/fresh", bearer), {"fresh": True, "logged_in_as": "admin"}),
        ("GET /admin", call(use, "GET", "/admin", bearer), {"msg": "Welcome, admin"}),
        ("GET /whoami", call(use, "GET", "/whoami", bearer), {"user": {"id": 2, "username": "admin"}}),
        ("GET /query-only", call(use, "GET", "/query-only?jwt=" + access), {"logged_in_as": "admin"}),
        ("POST /json-only", call(use, "POST", "/json-only", json_type, json.dumps({"access_token": access})),
         {"logged_in_as": "admin"}),
        ("POST /refresh", call(use, "POST", "/refresh", {"Authorization": "Bearer " + refresh}), None),
        ("GET /protected with refresh token", call(use, "GET", "/protected", {"Authorization": "Bearer " + refresh}),
         {"msg": "Only non-refresh tokens are allowed"}),
    ]
    _, _, cookies = call(mint, "POST", "/login-cookies", json_type, '{"username":"test","password":"test"}')
    jar = dict(c.split(";")[0].split("=", 1) for c in cookies)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    checks.append(("POST /cookies-only with CSRF", call(use, "POST", "/cookies-only",
                   {"Cookie": cookie, "X-CSRF-TOKEN": jar["csrf_access_token"]}), {"logged_in_as": "test"}))
    checks.append(("POST /cookies-only wrong CSRF", call(use, "POST", "/cookies-only",
                   {"Cookie": cookie, "X-CSRF-TOKEN": jar["csrf_refresh_token"]}),
                   {"msg": "CSRF double submit tokens do not match"}))
    checks.append(("POST /refresh-cookies", call(use, "POST", "/refresh-cookies",
                   {"Cookie": cookie, "X-CSRF-TOKEN": jar["csrf_refresh_token"]}), {"refresh": True}))
    failed = 0
    for name, (status, body, _), want in checks:
        ok = (want is None and status == 200 and "access_token" in body) or body == want
        failed += not ok
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {status} {json.dumps(body)[:100]}")
    return failed


def main():
    flask, rust = int(sys.argv[1]), int(sys.argv[2])
    print("minted by flask-jwt-extended, used on jwt-extended:")
    failed = run(flask, rust)
    print("minted by jwt-extended, used on flask-jwt-extended:")
    failed += run(rust, flask)
    print(f"{failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
