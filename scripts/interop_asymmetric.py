#!/usr/bin/env python3
"""Asymmetric keys, both ways: flask_twin.py (the real flask-jwt-extended) and
examples/reference_app.rs started with the same JWT_ALGORITHM, JWT_PRIVATE_KEY and JWT_PUBLIC_KEY.

    python3 scripts/interop_asymmetric.py keygen DIR
        Makes the keys with openssl (RSA 2048 as PKCS#8 and PKCS#1, P-256 as PKCS#8 and SEC1,
        Ed25519) and prints the runs as JSON: [{"name", "alg", "private", "public"}, ...].
    python3 scripts/interop_asymmetric.py check --rust-port P --alg RS256 --private K --public P
                                                [--twin PATH] [--report FILE] [--record FILE]
        Starts the twin on a free 127.0.0.1 port with those settings (the Rust app must already
        listen on P with the same ones), then:
        - tokens minted by each app are used on the other (scripts/interop_with_twin.py's checks);
        - for RS256 and EdDSA (deterministic signatures), the Rust app's access token equals,
          byte for byte, what PyJWT (flask-jwt-extended's encoder) writes for the same header
          and claims with the same key;
        - the refusals (an HS256 token whose secret is the server's public PEM text, a token
          signed by another key, alg "none", an unknown alg, an unknown kid) get the same
          status and body from both;
        --report writes flask's access token and its claims in order, for the Rust side's own
        re-encoding check; --record writes the refusal cases and flask's answers (the fixture
        tests/fixtures/asymmetric_cases.json, replayed by tests/asymmetric_manager.rs).
Exit status 0 when everything matched. Needs: pip install 'flask-jwt-extended==4.7.*' cryptography
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
from interop_with_twin import call, run  # noqa: E402

DEFAULT_TWIN = os.path.join(HERE, "..", "tests", "fixtures", "flask_twin.py")


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def keygen(directory):
    p = lambda name: os.path.join(directory, name)  # noqa: E731
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p("rsa.pem"))
    openssl("pkey", "-in", p("rsa.pem"), "-pubout", "-out", p("rsa_pub.pem"))
    openssl("rsa", "-in", p("rsa.pem"), "-traditional", "-out", p("rsa_pkcs1.pem"))
    openssl("rsa", "-in", p("rsa.pem"), "-RSAPublicKey_out", "-out", p("rsa_pkcs1_pub.pem"))
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("ec.pem"))
    openssl("pkey", "-in", p("ec.pem"), "-pubout", "-out", p("ec_pub.pem"))
    openssl("ec", "-in", p("ec.pem"), "-out", p("ec_sec1.pem"))
    openssl("genpkey", "-algorithm", "ED25519", "-out", p("ed.pem"))
    openssl("pkey", "-in", p("ed.pem"), "-pubout", "-out", p("ed_pub.pem"))
    runs = [
        ("RS256", "RS256", "rsa.pem", "rsa_pub.pem"),
        ("RS256 PKCS#1", "RS256", "rsa_pkcs1.pem", "rsa_pkcs1_pub.pem"),
        ("PS256", "PS256", "rsa.pem", "rsa_pub.pem"),
        ("ES256", "ES256", "ec.pem", "ec_pub.pem"),
        ("ES256 SEC1", "ES256", "ec_sec1.pem", "ec_pub.pem"),
        ("EdDSA", "EdDSA", "ed.pem", "ed_pub.pem"),
    ]
    return [{"name": n, "alg": a, "private": p(k), "public": p(pub)} for n, a, k, pub in runs]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_twin(twin, env_vars):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JWT_")}
    env.update(env_vars)
    env["PORT"] = str(port)
    proc = subprocess.Popen([sys.executable, twin], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the twin exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the twin did not listen within 20 s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def call_raw(port, path, headers):
    """GET: status and body, the body as JSON when it is JSON (flask answers an uncaught
    exception with an HTML 500 page), else its first line."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"text": raw.decode(errors="replace").strip().splitlines()[-1][:200]}


def login(port):
    _, body, _ = call(port, "POST", "/login", {"Content-Type": "application/json"},
                      '{"username":"test","password":"test"}')
    return body["access_token"]


def resign_with_pyjwt(token, alg, private_pem):
    """PyJWT's token for the header and claims of `token` (flask-jwt-extended calls jwt.encode)."""
    import jwt

    header_b64, payload_b64, _ = token.split(".")
    header = json.loads(unb64(header_b64))
    claims = json.loads(unb64(payload_b64))  # a dict keeps the order of the text
    extra = {k: v for k, v in header.items() if k not in ("alg", "typ")}
    return jwt.encode(claims, private_pem, algorithm=alg, headers=extra or None)


def refusal_tokens(alg, private_pem, public_pem):
    """The tokens every server must refuse (and one it must accept), minted here."""
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    now = int(time.time())
    # No exp: the recorded tokens stay valid for the replay test; each is refused for its key/alg.
    claims = {"fresh": False, "iat": now, "jti": "5e1f8a2c-0d4b-4f6e-9a7c-3b2d1e0f9a8b",
              "type": "access", "sub": "test", "nbf": now}
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())

    def hs256_with(secret):
        header = b64(b'{"alg":"HS256","typ":"JWT"}')
        mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64(mac)}"

    if alg in ("RS256", "PS256"):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "ES256":
        other = ec.generate_private_key(ec.SECP256R1())
    else:
        other = ed25519.Ed25519PrivateKey.generate()
    other_pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    foreign = "ES256" if alg != "ES256" else "RS256"
    foreign_key = (ec.generate_private_key(ec.SECP256R1()) if foreign == "ES256"
                   else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    none_header = b64(b'{"alg":"none","typ":"JWT"}')
    xs_header = b64(b'{"alg":"XS256","typ":"JWT"}')
    return [
        ("HS256 token whose secret is the server's public key PEM", hs256_with(public_pem.encode())),
        ("HS256 token whose secret is the PEM without its final newline",
         hs256_with(public_pem.strip().encode())),
        ("token signed by another key of the same type", jwt.encode(claims, other_pem, algorithm=alg)),
        (f"{foreign} token (another algorithm family)", jwt.encode(claims, foreign_key, algorithm=foreign)),
        ('alg "none" without signature', none_header + "." + payload + "."),
        ('unknown alg "XS256"', xs_header + "." + payload + "." + b64(b"x" * 32)),
        ("token with an unknown kid, signed by the server's key",
         jwt.encode(claims, private_pem, algorithm=alg, headers={"kid": "no-such-key"})),
    ]


def check(args):
    private_pem = open(args.private).read()
    public_pem = open(args.public).read()
    settings = {"JWT_ALGORITHM": args.alg, "JWT_PRIVATE_KEY": private_pem, "JWT_PUBLIC_KEY": public_pem}
    twin, flask = start_twin(args.twin, settings)
    rust = args.rust_port
    failed = 0
    try:
        print(f"[{args.alg}] minted by flask-jwt-extended, used on jwt-extended:")
        failed += run(flask, rust)
        print(f"[{args.alg}] minted by jwt-extended, used on flask-jwt-extended:")
        failed += run(rust, flask)

        rust_token = login(rust)
        flask_token = login(flask)
        if args.alg in ("RS256", "EdDSA"):
            same = resign_with_pyjwt(rust_token, args.alg, private_pem) == rust_token
            failed += not same
            print(f"  {'ok  ' if same else 'FAIL'} jwt-extended's token is PyJWT's, byte for byte")
            same = resign_with_pyjwt(flask_token, args.alg, private_pem) == flask_token
            failed += not same
            print(f"  {'ok  ' if same else 'FAIL'} flask-jwt-extended's token is PyJWT's (sanity)")

        cases = []
        for name, token in refusal_tokens(args.alg, private_pem, public_pem):
            bearer = {"Authorization": "Bearer " + token}
            f_status, f_body, _ = call(flask, "GET", "/protected", bearer)
            r_status, r_body, _ = call(rust, "GET", "/protected", bearer)
            ok = (f_status, f_body) == (r_status, r_body)
            failed += not ok
            print(f"  {'ok  ' if ok else 'FAIL'} {name}: flask {f_status} {json.dumps(f_body)}"
                  + ("" if ok else f", jwt-extended {r_status} {json.dumps(r_body)}"))
            cases.append({"name": name, "token": token, "flask": {"status": f_status, "json": f_body}})

        if args.report:
            header_b64, payload_b64, _ = flask_token.split(".")
            ordered = json.loads(unb64(payload_b64), object_pairs_hook=lambda pairs: pairs)
            with open(args.report, "w") as out:
                json.dump({"alg": args.alg, "flask_token": flask_token,
                           "header": json.loads(unb64(header_b64)), "claims": ordered}, out)
    finally:
        stop(twin)

    if args.record:
        # flask-jwt-extended with HS256 among JWT_DECODE_ALGORITHMS next to the RSA public key:
        # jwt-extended refuses that configuration when the manager is built.
        mixed = dict(settings, JWT_DECODE_ALGORITHMS=json.dumps([args.alg, "HS256"]))
        twin, flask = start_twin(args.twin, mixed)
        try:
            token = cases[0]["token"]
            status, body = call_raw(flask, "/protected", {"Authorization": "Bearer " + token})
        finally:
            stop(twin)
        fixture = {
            "recorded_from": "flask-jwt-extended 4.7 (PyJWT, cryptography) via shared/conformance/flask_twin.py, "
                             "by scripts/interop_asymmetric.py check --record",
            "route": "GET /protected",
            "settings": {"JWT_ALGORITHM": args.alg, "JWT_PUBLIC_KEY": public_pem},
            "cases": cases,
            "mixed_decode_algorithms": {
                "settings": {"JWT_DECODE_ALGORITHMS": [args.alg, "HS256"]},
                "name": cases[0]["name"],
                "token": token,
                "flask": {"status": status, "json": body},
                "jwt_extended": "refused when the manager is built (ConfigError::AlgorithmKeyMismatch)",
            },
        }
        with open(args.record, "w") as out:
            json.dump(fixture, out, indent=1)
            out.write("\n")
        print(f"  recorded {len(cases) + 1} cases in {args.record}")

    print(f"[{args.alg}] {failed} failed")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    k = sub.add_parser("keygen")
    k.add_argument("dir")
    c = sub.add_parser("check")
    c.add_argument("--rust-port", type=int, required=True)
    c.add_argument("--alg", required=True)
    c.add_argument("--private", required=True)
    c.add_argument("--public", required=True)
    c.add_argument("--twin", default=DEFAULT_TWIN)
    c.add_argument("--report")
    c.add_argument("--record")
    args = parser.parse_args()
    if args.command == "keygen":
        print(json.dumps(keygen(args.dir)))
        return
    sys.exit(1 if check(args) else 0)


if __name__ == "__main__":
    main()
