#!/usr/bin/python3
"""An independent JOSE implementation (PyJWT + cryptography) for Warden's interop tests.

Usage (paths are files the C++ test wrote; results go to stdout, failures to exit code 1):
  jwt_tool.py verify ALG PUBLIC_PEM TOKEN_FILE ISSUER AUDIENCE
      Verifies the token with PyJWT (signature, iss, aud, exp, nbf, iat; jti required) and
      prints {"header": ..., "claims": ...}.
  jwt_tool.py sign ALG PRIVATE_PEM KID CLAIMS_JSON_FILE
      Prints a compact JWS of the claims signed by PyJWT with header kid=KID.
  jwt_tool.py jwk PUBLIC_PEM
      Prints {"jwk": <PyJWT's JWK of the key>, "thumbprint": <RFC 7638 SHA-256 thumbprint>}.
"""

import base64
import hashlib
import json
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt import algorithms


def read(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


def verify(alg, public_pem_path, token_path, issuer, audience):
    token = read(token_path).strip()
    try:
        claims = jwt.decode(
            token,
            read(public_pem_path),
            algorithms=[alg],
            issuer=issuer,
            audience=audience,
            options={"require": ["iss", "aud", "exp", "nbf", "iat", "jti"]},
        )
    except jwt.InvalidTokenError as e:
        print(f"PyJWT rejected the token: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims}))
    return 0


def sign(alg, private_pem_path, kid, claims_path):
    claims = json.loads(read(claims_path))
    print(jwt.encode(claims, read(private_pem_path), algorithm=alg, headers={"kid": kid}))
    return 0


def public_jwk(public_pem_path):
    key = serialization.load_pem_public_key(read(public_pem_path).encode())
    if isinstance(key, ec.EllipticCurvePublicKey):
        jwk = algorithms.ECAlgorithm.to_jwk(key)
        required = ["crv", "kty", "x", "y"]
    elif isinstance(key, rsa.RSAPublicKey):
        jwk = algorithms.RSAAlgorithm.to_jwk(key)
        required = ["e", "kty", "n"]
    elif isinstance(key, ed25519.Ed25519PublicKey):
        jwk = algorithms.OKPAlgorithm.to_jwk(key)
        required = ["crv", "kty", "x"]
    else:
        print(f"unsupported key type {type(key).__name__}", file=sys.stderr)
        return 1
    if isinstance(jwk, str):  # PyJWT < 2.7 returns the JWK as JSON text.
        jwk = json.loads(jwk)
    canonical = json.dumps({m: jwk[m] for m in required}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    thumbprint = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    print(json.dumps({"jwk": jwk, "thumbprint": thumbprint}))
    return 0


def main(argv):
    commands = {"verify": (verify, 5), "sign": (sign, 4), "jwk": (public_jwk, 1)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    command, _ = commands[argv[1]]
    return command(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
