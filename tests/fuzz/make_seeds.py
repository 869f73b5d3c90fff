#!/usr/bin/python3
"""Regenerates the generated part of the fuzz seed corpora (tests/fuzz/corpus):

- jwt_validate, jwt_parse: real compact JWS tokens signed with the committed test keys in
  tests/fuzz/keys, in the fixed world of tests/fuzz/jwt_fixture.h (issuer, audience, a frozen
  "now" of 1700000000, the roles, a revoked id and an M2M configuration), plus rejected
  shapes (alg none, HS256 confusion, unknown kid, crit, expired, ...), and for jwt_validate
  "<header>\\n<payload>" texts that the target signs itself;
- request_validation: warden.v1 requests in protobuf binary, made with `protoc --encode`,
  each prefixed with the byte that selects its type in request_validation.cc.

The other corpora (claims_flatten, duration_parse, declarative_config, http_request) are
hand-written files. Run from anywhere with Debian's python3 (python3-cryptography) and protoc:
    /usr/bin/python3 tests/fuzz/make_seeds.py
"""

import base64
import hashlib
import json
import pathlib
import subprocess

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = HERE / "corpus"

ISSUER = "https://warden.example.com"
AUDIENCE = "warden"
NOW = 1_700_000_000
TOKEN_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
REVOKED_ID = "11111111-2222-4333-8444-555555555555"
M2M_CONFIG_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def load_key(name):
    return serialization.load_pem_private_key((HERE / "keys" / name).read_bytes(), None)


def jwk_and_kid(key):
    """The public JWK and its RFC 7638 thumbprint, as SigningKey::kid() computes it."""
    public = key.public_key()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        numbers = public.public_numbers()
        jwk = {"crv": "P-256", "kty": "EC", "x": b64url(numbers.x.to_bytes(32, "big")),
               "y": b64url(numbers.y.to_bytes(32, "big"))}
        alg = "ES256"
    elif isinstance(key, rsa.RSAPrivateKey):
        numbers = public.public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        jwk = {"e": b64url(e), "kty": "RSA", "n": b64url(n)}
        alg = "RS256"
    else:
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
        alg = "EdDSA"
    kid = b64url(hashlib.sha256(compact(dict(sorted(jwk.items())))).digest())
    return jwk, kid, alg


# The order of P-256. Warden signs and accepts only low-S ES256 signatures (s <= n/2), so the
# seeds are made the same way (server/jose/ecdsa_signature.h).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def sign(key, signing_input: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        s = min(s, P256_ORDER - s)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(signing_input)


def token(key, header, payload) -> str:
    return raw_token(key, compact(header), compact(payload))


def raw_token(key, header: bytes, payload: bytes) -> str:
    signing_input = (b64url(header) + "." + b64url(payload)).encode()
    return signing_input.decode() + "." + b64url(sign(key, signing_input))


def warden_payload(**changes):
    """Claims as jose::SignJwt writes them."""
    payload = {"iss": ISSUER, "jti": TOKEN_ID, "iat": NOW - 3600, "nbf": NOW - 3600,
               "exp": NOW + 3600, "name": "ci-pipeline", "roles": ["Continuous Integration"],
               "aud": AUDIENCE}
    for name, value in changes.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def write(target, name, content):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


def jwt_seeds():
    keys = {alg: (key, kid, jwk) for key in (load_key("es256.pem"), load_key("rs256.pem"),
                                               load_key("ed25519.pem"))
            for jwk, kid, alg in [jwk_and_kid(key)]}
    es_key, es_kid, es_jwk = keys["ES256"]
    rs_key, rs_kid, rs_jwk = keys["RS256"]
    ed_key, ed_kid, ed_jwk = keys["EdDSA"]

    def header(alg, kid, **extra):
        return {"alg": alg, "kid": kid, "typ": "JWT", **extra}

    tokens = {
        "valid_es256": token(es_key, header("ES256", es_kid), warden_payload()),
        "valid_rs256_audience_list": token(
            rs_key, header("RS256", rs_kid),
            warden_payload(aud=["other", AUDIENCE], roles=["Analyst", "Admin"])),
        "valid_eddsa_m2m": token(
            ed_key, header("EdDSA", ed_kid),
            warden_payload(sub="repo:octo-org/octo-repo:ref:refs/heads/main",
                           m2m_config=M2M_CONFIG_ID, name="")),
        "valid_without_nbf": token(es_key, header("ES256", es_kid), warden_payload(nbf=None)),
        "revoked": token(es_key, header("ES256", es_kid), warden_payload(jti=REVOKED_ID)),
        "expired": token(es_key, header("ES256", es_kid),
                         warden_payload(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 3600)),
        "not_yet_valid": token(es_key, header("ES256", es_kid),
                               warden_payload(nbf=NOW + 3600, exp=NOW + 7200)),
        "unknown_role": token(es_key, header("ES256", es_kid), warden_payload(roles=["Ghost"])),
        "gone_m2m_config": token(
            es_key, header("ES256", es_kid),
            warden_payload(m2m_config="00000000-0000-4000-8000-000000000000")),
        "wrong_audience": token(es_key, header("ES256", es_kid), warden_payload(aud="other")),
        "crit_header": token(es_key, header("ES256", es_kid, crit=["exp"]), warden_payload()),
        "unknown_kid": token(es_key, header("ES256", "not-a-known-kid"), warden_payload()),
        "alg_mismatch": token(es_key, header("RS256", es_kid), warden_payload()),
        # nlohmann stops at a NUL byte: once, the rest of this payload was ignored.
        "payload_with_text_after_nul": raw_token(
            es_key, compact(header("ES256", es_kid)),
            compact(warden_payload()) + b"\0" + compact({"roles": ["Admin"]})),
        "alg_none": b64url(compact({"alg": "none", "typ": "JWT"})) + "." +
                    b64url(compact(warden_payload())) + ".",
    }
    # HS256 keyed with the public key: the classic algorithm-confusion forgery.
    import hmac
    hs_input = (b64url(compact(header("HS256", es_kid))) + "." +
                b64url(compact(warden_payload()))).encode()
    public_pem = es_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    tokens["hs256_public_key_confusion"] = (
        hs_input.decode() + "." + b64url(hmac.new(public_pem, hs_input, "sha256").digest()))

    # Outside ID tokens (OIDC), in the shapes of GitHub Actions and Kubernetes.
    github = {"iss": GITHUB_ISSUER, "aud": AUDIENCE, "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
              "repository": "octo-org/octo-repo", "repository_owner": "octo-org",
              "ref": "refs/heads/main", "workflow": "ci", "event_name": "push",
              "job_workflow_ref": "octo-org/workflows/.github/workflows/deploy.yml@refs/heads/main",
              "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 300}
    kube = {"iss": "https://kubernetes.default.svc.cluster.local", "aud": ["warden"],
            "sub": "system:serviceaccount:payments:deployer", "iat": NOW - 60, "exp": NOW + 3600,
            "kubernetes.io": {"namespace": "payments",
                              "serviceaccount": {"name": "deployer", "uid": TOKEN_ID},
                              "pod": {"name": "deployer-7c9f", "uid": REVOKED_ID}}}
    id_tokens = {
        "github_actions_id_token": token(es_key, {"alg": "ES256", "kid": es_kid, "typ": "JWT"}, github),
        "kubernetes_id_token_no_kid": token(rs_key, {"alg": "RS256"}, kube),
    }

    for name, text in tokens.items():
        write("jwt_validate", name + ".jwt", text)
        write("jwt_parse", name + ".jwt", text)
    for name, text in id_tokens.items():
        write("jwt_parse", name + ".jwt", text)
    for jwk, kid, alg in (es_jwk, es_kid, "ES256"), (rs_jwk, rs_kid, "RS256"), (ed_jwk, ed_kid, "EdDSA"):
        write("jwt_parse", f"jwk_{alg.lower()}.json",
              json.dumps({**jwk, "kid": kid, "alg": alg, "use": "sig"}, indent=1))

    # "<header>\n<payload>" texts that jwt_validate signs itself.
    signed = {
        "sign_es256": (header("ES256", es_kid), warden_payload()),
        "sign_eddsa_m2m": (header("EdDSA", ed_kid),
                           warden_payload(sub="system:serviceaccount:payments:deployer",
                                          m2m_config=M2M_CONFIG_ID)),
        "sign_roles_and_audiences": (header("ES256", es_kid),
                                     warden_payload(aud=["a", AUDIENCE, "b"],
                                                    roles=["Analyst", "Analyst", "Admin"])),
        "sign_decimal_times": (header("ES256", es_kid),
                               warden_payload(exp=NOW + 3600.5, iat=NOW - 1.0)),
        "sign_huge_times": (header("ES256", es_kid),
                            warden_payload(exp=9223372036854775807, nbf=-9223372036854775808)),
        "sign_wrong_types": (header("ES256", es_kid),
                             warden_payload(name=5, roles="Admin", jti=7, aud=[1])),
    }
    for name, (head, body) in signed.items():
        write("jwt_validate", name + ".txt", compact(head) + b"\n" + compact(body))
    return id_tokens["github_actions_id_token"]


def protoc_encode(message, text):
    return subprocess.run(
        ["protoc", f"--proto_path={REPO / 'proto'}", f"--encode=warden.v1.{message}",
         "warden/v1/token.proto", "warden/v1/auth.proto", "warden/v1/role.proto"],
        input=text.encode(), capture_output=True, check=True).stdout


def page_token(micros, uuid):
    # storage::EncodeCursor: web-safe base64 without padding of "t1:<micros>:<id>".
    return b64url(f"t1:{micros}:{uuid}".encode())


def request_seeds(github_id_token):
    requests = [
        (0, "generate_token", "GenerateTokenRequest",
         'name: "ci-pipeline" roles: "Continuous Integration" roles: "Analyst" '
         'expiration { seconds: 1735689600 nanos: 500 }'),
        (1, "list_tokens_page", "ListTokensRequest",
         f'revoked: false page_size: 100 page_token: "{page_token(NOW * 10**6 + 123456, TOKEN_ID)}"'),
        (2, "list_expiring_page", "ListExpiringTokensRequest",
         f'within {{ seconds: 604800 }} page_size: 10 page_token: "{page_token(-5, REVOKED_ID)}"'),
        (3, "get_token", "GetTokenRequest", f'id: "{TOKEN_ID}"'),
        (4, "create_permission_set", "CreatePermissionSetRequest",
         'permission_set { name: "Token Issuer" description: "Mints tokens for CI" '
         'resource_to_access { key: "Access" value: ACCESS_LEVEL_READ_ACCESS } '
         'resource_to_access { key: "Integration" value: ACCESS_LEVEL_READ_WRITE_ACCESS } '
         'resource_to_access { key: "Image" value: ACCESS_LEVEL_NO_ACCESS } }'),
        (5, "update_permission_set", "UpdatePermissionSetRequest",
         f'permission_set {{ id: "{TOKEN_ID}" name: "Nothing" }}'),
        (6, "create_access_scope", "CreateAccessScopeRequest",
         'access_scope { name: "team-a" description: "Team A\'s clusters" rules { '
         'clusters: "prod-eu" namespaces { cluster: "prod-us" namespace: "payments" } '
         'namespaces { cluster: "prod-us" namespace: "billing" } } }'),
        (7, "update_access_scope", "UpdateAccessScopeRequest",
         f'access_scope {{ id: "{REVOKED_ID}" name: "team-b" rules {{ clusters: "dev" }} }}'),
        (8, "create_role", "CreateRoleRequest",
         f'role {{ name: "Token Issuer" description: "Issues CI tokens" '
         f'permission_set_id: "{TOKEN_ID}" access_scope_id: "{REVOKED_ID}" }}'),
        (9, "add_m2m_github", "AddAuthMachineToMachineConfigRequest",
         'config { type: AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_GITHUB_ACTIONS audiences: "warden" '
         'token_expiration_duration: "5m" mappings { key: "repository" '
         'value_expression: "octo-org/.*" role: "Continuous Integration" } mappings { '
         'key: "ref" value_expression: "refs/heads/(main|release-[0-9]+)" role: "Release" } }'),
        (10, "update_m2m_kubernetes", "UpdateAuthMachineToMachineConfigRequest",
         f'config {{ id: "{M2M_CONFIG_ID}" type: AUTH_MACHINE_TO_MACHINE_CONFIG_TYPE_KUBE_SERVICE_ACCOUNT '
         'issuer: "https://kubernetes.default.svc.cluster.local" allow_any_audience: true '
         'token_expiration_duration: "1h30m" mappings { key: "kubernetes.io.namespace" '
         'value_expression: "payments|billing" role: "Analyst" } }'),
        (11, "exchange_github_id_token", "ExchangeAuthMachineToMachineTokenRequest",
         f'id_token: "{github_id_token}"'),
    ]
    for kind, name, message, text in requests:
        write("request_validation", f"{kind:02d}_{name}.bin", bytes([kind]) + protoc_encode(message, text))


if __name__ == "__main__":
    request_seeds(jwt_seeds())
