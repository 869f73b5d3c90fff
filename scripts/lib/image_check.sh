#!/usr/bin/env bash
# `scripts/image --check`: runs the image the way deploy/kubernetes/base/deployment.yaml
# runs it, against a throwaway PostgreSQL on this host, and fails on the first step that
# does not do what a cluster would need. Sourced by scripts/image after container.sh, which
# set WARDEN_ENGINE; call warden_image_check IMAGE.
#
# What runs as in the Deployment: user 65532:65532, a read-only root filesystem with only
# /tmp writable (64 MiB, the emptyDir), every capability dropped, no privilege escalation;
# settings from base/server.env and base/notifier.env (the ConfigMap); the signing key,
# admin password and TLS pair made as docs/operations.md ("Secrets") makes them and mounted
# read-only at the Secrets' paths, root-owned, group 65532, mode 0440; the database URL in
# the environment, as its secretKeyRef puts it. What differs: the host's network (the
# listeners move to free loopback ports) and the PostgreSQL.
#
# The steps: the image holds no compiler, headers or package lists and runs as 65532; the
# gRPC health service answers SERVING on the plaintext probe port and on the TLS port; HTTP
# /readyz answers 200 over TLS; wardenctl inside the container logs in and mints a token
# over gRPC; the host validates it over HTTP (Connect); wardenctl revokes it and the host's
# next validation is refused; SIGTERM stops the server with exit status 0 within the pod's
# terminationGracePeriodSeconds.

# The checkout: the manifests' settings and scripts/lib/postgres.sh are read from it.
_check_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# What the check needs on the host besides the engine.
WARDEN_IMAGE_CHECK_APT_PACKAGES=(postgresql-15 curl openssl python3)
# deployment.yaml's terminationGracePeriodSeconds: SIGTERM must end the server within it.
WARDEN_IMAGE_CHECK_GRACE=30
# How long the server may take to report SERVING (the startupProbe allows 5 minutes; a
# throwaway database on this host needs seconds).
WARDEN_IMAGE_CHECK_START_TIMEOUT=120

_check_step() {
  echo "image check: $*" >&2
}

_check_fail() {
  echo "image check: FAILED: $*" >&2
  if [[ -n "${_check_container:-}" ]]; then
    echo "image check: the container's last log lines:" >&2
    "${WARDEN_ENGINE[@]}" logs --tail 40 "$_check_container" >&2 2>&1 || true
  fi
  return 1
}

# Prints N free TCP ports on 127.0.0.1.
_check_free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Writes the Secrets' files into DIR as docs/operations.md makes them, owned and moded as the
# Deployment mounts them (root, group 65532, 0440; as a non-root user, readable by all).
_check_make_secrets() {
  local dir="$1"
  mkdir -p "$dir/signing-keys" "$dir/admin" "$dir/tls"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/signing-keys/signing-1.pem" 2>/dev/null
  openssl rand -base64 24 >"$dir/admin/password"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=warden.warden.svc -keyout "$dir/tls/tls.key" -out "$dir/tls/tls.crt" \
    -addext "subjectAltName=DNS:warden,DNS:warden.warden,DNS:warden.warden.svc,DNS:localhost" \
    2>/dev/null
  if ((EUID == 0)); then
    chown -R root:65532 "$dir/signing-keys" "$dir/admin" "$dir/tls"
    chmod 0750 "$dir/signing-keys" "$dir/admin" "$dir/tls"
    chmod 0440 "$dir"/signing-keys/* "$dir"/admin/* "$dir"/tls/*
  else
    chmod 0755 "$dir/signing-keys" "$dir/admin" "$dir/tls"
    chmod 0444 "$dir"/signing-keys/* "$dir"/admin/* "$dir"/tls/*
  fi
}

# grpc.health.v1.Health/Check for service "" over HTTP/2, with curl: succeeds when the
# answer is SERVING. ADDRESS is host:port; with a CA file, over TLS as `localhost`.
_check_grpc_serving() {
  local address="$1" ca="${2:-}" url args=() answer
  if [[ -n "$ca" ]]; then
    url="https://localhost:${address##*:}/grpc.health.v1.Health/Check"
    args=(--http2 --cacert "$ca" --resolve "localhost:${address##*:}:${address%:*}")
  else
    url="http://$address/grpc.health.v1.Health/Check"
    args=(--http2-prior-knowledge)
  fi
  # The request: an uncompressed gRPC frame holding an empty HealthCheckRequest. The
  # answer SERVING is the frame 00 00000002 0801 (field 1, status = 1).
  answer="$(printf '\0\0\0\0\0' |
    curl -sS --max-time 10 "${args[@]}" -X POST -H 'content-type: application/grpc' \
      -H 'te: trailers' --data-binary @- "$url" 2>/dev/null | od -An -tx1 | tr -d ' \n')" ||
    return 1
  [[ "$answer" == 00000000020801 ]]
}

# Succeeds, printing what is still missing, while the server is not ready by all three
# signals: gRPC health on the probe port and on the TLS port, and HTTPS /readyz.
_check_not_ready() {
  local tls="$_check_work/secrets/tls/tls.crt" status
  if ! _check_grpc_serving "127.0.0.1:$_check_health_port"; then
    echo "gRPC health on the probe port is not SERVING"
    return 0
  fi
  if ! _check_grpc_serving "127.0.0.1:$_check_grpc_port" "$tls"; then
    echo "gRPC health over TLS is not SERVING"
    return 0
  fi
  status="$(curl -sS --max-time 10 --cacert "$tls" \
    --resolve "localhost:$_check_http_port:127.0.0.1" -o /dev/null -w '%{http_code}' \
    "https://localhost:$_check_http_port/readyz" 2>/dev/null)" || status=none
  if [[ "$status" != 200 ]]; then
    echo "/readyz answered $status, not 200"
    return 0
  fi
  return 1
}

# ValidateToken over HTTP (Connect, JSON) for the token in FILE, authenticated by that token
# itself; prints the HTTP status, then the body. Neither the token nor any header holding it
# is on a command line.
_check_validate_http() {
  local file="$1" status
  printf 'Authorization: Bearer %s\n' "$(cat "$file")" >"$_check_work/validate.headers"
  printf '{"token":"%s"}' "$(cat "$file")" >"$_check_work/validate.json"
  status="$(curl -sS --max-time 10 --cacert "$_check_work/secrets/tls/tls.crt" \
    --resolve "localhost:$_check_http_port:127.0.0.1" -H @"$_check_work/validate.headers" \
    -H 'Content-Type: application/json' --data-binary @"$_check_work/validate.json" \
    -o "$_check_work/validate.out" -w '%{http_code}' \
    "https://localhost:$_check_http_port/warden.v1.AuthService/ValidateToken")" || return 1
  echo "$status"
  cat "$_check_work/validate.out"
}

# wardenctl inside the running container, over gRPC with TLS to the server beside it. Its
# session lives in /tmp, the only writable place.
_check_wardenctl() {
  "${WARDEN_ENGINE[@]}" exec -e XDG_CONFIG_HOME=/tmp/wardenctl "$_check_container" \
    wardenctl --endpoint "127.0.0.1:$_check_grpc_port" --ca-file /etc/warden/tls/tls.crt \
    --tls-server-name localhost "$@"
}

# shellcheck disable=SC2317 # run by the EXIT trap
_check_cleanup() {
  if [[ -n "${_check_container:-}" ]]; then
    "${WARDEN_ENGINE[@]}" rm -f -t 0 "$_check_container" >/dev/null 2>&1 ||
      "${WARDEN_ENGINE[@]}" rm -f "$_check_container" >/dev/null 2>&1 || true
  fi
  if [[ -n "${_check_work:-}" ]]; then
    bash "$_check_repo/scripts/lib/postgres.sh" stop "$_check_work/pg" >/dev/null 2>&1 || true
    rm -rf "$_check_work"
  fi
}

# The image must carry the two binaries and nothing to build with, and declare user 65532.
_check_image_contents() {
  local image="$1" user found
  user="$("${WARDEN_ENGINE[@]}" image inspect --format '{{.Config.User}}' "$image")"
  [[ "$user" == 65532:65532 ]] || _check_fail "the image runs as '$user', not 65532:65532" || return 1
  # shellcheck disable=SC2016 # expanded by the container's shell
  found="$("${WARDEN_ENGINE[@]}" run --rm --network none "${WARDEN_ULIMITS[@]}" --entrypoint /bin/sh \
    "$image" -c '
    for tool in gcc g++ cc c++ clang cmake make ld as; do
      command -v "$tool" >/dev/null 2>&1 && echo "compiler or build tool: $tool"
    done
    [ -d /usr/include ] && [ -n "$(ls -A /usr/include)" ] && echo "headers in /usr/include"
    [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e ^lock$ -e ^partial$)" ] &&
      echo "package lists in /var/lib/apt/lists"
    for bin in warden-server wardenctl; do
      [ -x "/usr/local/bin/$bin" ] || echo "no /usr/local/bin/$bin"
    done
    echo checked')" || _check_fail "could not look inside $image" || return 1
  [[ "$found" == checked ]] || _check_fail "the image holds what it should not: $found" ||
    return 1
}

warden_image_check() {
  local image="$1" started=$SECONDS missing answer token_id status waited pg_url
  mapfile -t missing < <(warden_not_installed "${WARDEN_IMAGE_CHECK_APT_PACKAGES[@]}")
  warden_apt_install "${missing[@]}"
  "${WARDEN_ENGINE[@]}" image inspect "$image" >/dev/null 2>&1 ||
    _check_fail "no image $image: run scripts/image first" || return 1

  _check_step "what $image holds"
  _check_image_contents "$image" || return 1

  # Under /tmp: PostgreSQL runs as the postgres user, who must reach its data directory.
  _check_work="$(mktemp -d /tmp/warden-image-check.XXXXXX)"
  chmod 755 "$_check_work"
  _check_container=""
  trap _check_cleanup EXIT
  read -r _check_grpc_port _check_health_port _check_http_port _check_metrics_port \
    _check_pg_port <<<"$(_check_free_ports 5)"

  _check_step "a throwaway PostgreSQL on 127.0.0.1:$_check_pg_port"
  bash "$_check_repo/scripts/lib/postgres.sh" start --ephemeral "$_check_work/pg" "$_check_pg_port" \
    >/dev/null
  bash "$_check_repo/scripts/lib/postgres.sh" ensure-database "$_check_pg_port" warden >/dev/null
  pg_url="$(bash "$_check_repo/scripts/lib/postgres.sh" url "$_check_pg_port" warden)"
  _check_make_secrets "$_check_work/secrets"

  _check_step "starting $image as deploy/kubernetes runs it (read-only, user 65532, no capabilities)"
  _check_container="warden-image-check-$$"
  # The database URL reaches the container through this environment, not the command line.
  WARDEN_DATABASE_URL="$pg_url" "${WARDEN_ENGINE[@]}" run -d --name "$_check_container" \
    --network host --read-only --tmpfs /tmp:rw,size=64m,mode=1777 \
    --user 65532:65532 --cap-drop ALL --security-opt no-new-privileges "${WARDEN_ULIMITS[@]}" \
    --env-file "$_check_repo/deploy/kubernetes/base/server.env" \
    --env-file "$_check_repo/deploy/kubernetes/base/notifier.env" \
    -e WARDEN_DATABASE_URL \
    -e "WARDEN_LISTEN=127.0.0.1:$_check_grpc_port" \
    -e "WARDEN_HEALTH_LISTEN=127.0.0.1:$_check_health_port" \
    -e "WARDEN_HTTP_LISTEN=127.0.0.1:$_check_http_port" \
    -e "WARDEN_METRICS_LISTEN=127.0.0.1:$_check_metrics_port" \
    -v "$_check_work/secrets/signing-keys:/etc/warden/signing-keys:ro" \
    -v "$_check_work/secrets/admin:/etc/warden/admin:ro" \
    -v "$_check_work/secrets/tls:/etc/warden/tls:ro" \
    "$image" >/dev/null

  _check_step "waiting for gRPC health SERVING (probe port $_check_health_port, TLS port" \
    "$_check_grpc_port) and HTTPS /readyz 200 (port $_check_http_port)"
  local deadline=$((SECONDS + WARDEN_IMAGE_CHECK_START_TIMEOUT)) waiting
  while waiting="$(_check_not_ready)"; do
    if [[ "$("${WARDEN_ENGINE[@]}" inspect --format '{{.State.Running}}' "$_check_container")" != true ]]; then
      _check_fail "the server exited before it was ready" || return 1
    fi
    ((SECONDS < deadline)) ||
      _check_fail "not ready after $WARDEN_IMAGE_CHECK_START_TIMEOUT s: $waiting" || return 1
    sleep 0.5
  done
  _check_step "ready after $((SECONDS - deadline + WARDEN_IMAGE_CHECK_START_TIMEOUT)) s"

  _check_step "the root filesystem is read-only and the process has no capabilities"
  if "${WARDEN_ENGINE[@]}" exec "$_check_container" touch /usr/local/bin/written 2>/dev/null; then
    _check_fail "the container could write to its root filesystem" || return 1
  fi
  # shellcheck disable=SC2016 # expanded by the container's shell
  answer="$("${WARDEN_ENGINE[@]}" exec "$_check_container" sh -c \
    'echo "$(id -u):$(id -g) $(grep CapEff /proc/1/status | tr -d "\t")"')"
  [[ "$answer" == "65532:65532 CapEff:0000000000000000" ]] ||
    _check_fail "the server runs as $answer, not 65532:65532 with no capabilities" || return 1

  _check_step "wardenctl in the container: log in and mint a token over gRPC"
  _check_wardenctl login --password-file /etc/warden/admin/password --lifetime 10m >/dev/null ||
    _check_fail "wardenctl login failed" || return 1
  _check_wardenctl -o json token create --name image-check --role Analyst --expires-in 1h \
    >"$_check_work/created.json" || _check_fail "wardenctl token create failed" || return 1
  python3 - "$_check_work/created.json" "$_check_work/token" "$_check_work/token_id" <<'EOF'
import json, sys
created = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write(created["token"])
open(sys.argv[3], "w").write(created["metadata"]["id"])
EOF
  token_id="$(cat "$_check_work/token_id")"

  _check_step "the host validates token $token_id over HTTP (Connect)"
  answer="$(_check_validate_http "$_check_work/token")" ||
    _check_fail "ValidateToken over HTTP could not be sent" || return 1
  [[ "$answer" == 200* && "$answer" == *"\"id\":\"$token_id\""* ]] ||
    _check_fail "ValidateToken did not accept the new token: $answer" || return 1

  _check_step "wardenctl revokes it; the host's next validation is refused"
  _check_wardenctl token revoke "$token_id" >/dev/null ||
    _check_fail "wardenctl token revoke failed" || return 1
  answer="$(_check_validate_http "$_check_work/token")" ||
    _check_fail "ValidateToken over HTTP could not be sent" || return 1
  [[ "$answer" == 401* && "$answer" == *"token has been revoked"* ]] ||
    _check_fail "a revoked token was not refused: $answer" || return 1

  _check_step "SIGTERM: the server must exit 0 within $WARDEN_IMAGE_CHECK_GRACE s"
  local stopping=$SECONDS
  "${WARDEN_ENGINE[@]}" kill --signal TERM "$_check_container" >/dev/null
  status="$(timeout "$WARDEN_IMAGE_CHECK_GRACE" "${WARDEN_ENGINE[@]}" wait "$_check_container")" ||
    _check_fail "still running $WARDEN_IMAGE_CHECK_GRACE s after SIGTERM" || return 1
  waited=$((SECONDS - stopping))
  [[ "$status" == 0 ]] || _check_fail "the server exited with status $status after SIGTERM" ||
    return 1
  answer="$("${WARDEN_ENGINE[@]}" logs "$_check_container" 2>&1)"
  [[ "$answer" == *"shutting down: draining RPCs"* && "$answer" == *"warden-server stopped"* ]] ||
    _check_fail "the server's log does not show it draining and stopping" || return 1

  _check_cleanup
  _check_container="" _check_work=""
  trap - EXIT
  echo "image check: passed in $((SECONDS - started)) s: $image served gRPC and HTTP over" \
    "TLS, minted, validated and revoked a token, and stopped cleanly in ${waited} s" >&2
}
