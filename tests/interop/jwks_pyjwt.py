#!/usr/bin/python3
"""Verifies a Warden token the way an off-the-shelf verifier does: PyJWT's PyJWKClient
(Debian's python3-jwt), with nothing but the server's JWKS URL, its issuer and its audience.
tests/e2e/http_interop_test.cc runs it.

Usage: jwks_pyjwt.py JWKS_URL ISSUER AUDIENCE TOKEN
Prints {"kid", "alg", "claims"} and exits 0 when the token verifies; exits 1 with PyJWT's
reason on stderr when it does not.
"""

import json
import sys

import jwt


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    jwks_url, issuer, audience, token = argv[1:]
    try:
        client = jwt.PyJWKClient(jwks_url, cache_keys=False)
        key = client.get_signing_key_from_jwt(token)
        # The key fixes the algorithm (its JWK's "alg"), never the token's own header.
        alg = next(k.get("alg") for k in client.fetch_data()["keys"] if k.get("kid") == key.key_id)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            issuer=issuer,
            audience=audience,
            options={"require": ["iss", "aud", "exp", "iat"]},
        )
    except (jwt.PyJWTError, OSError) as e:
        print(f"PyJWT rejected the token: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"kid": key.key_id, "alg": alg, "claims": claims}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
