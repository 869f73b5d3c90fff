#!/usr/bin/env bash
# The container engine scripts/image builds and runs the image with, and the Debian 12 base
# image it builds on. Sourced by scripts/image after scripts/lib/deps.sh.
#
# Engine: docker when a Docker engine answers (`docker info`), otherwise podman, installed
# from Debian with runc and mmdebstrap when missing (WARDEN_IMAGE_APT_PACKAGES).
# WARDEN_CONTAINER_ENGINE=podman|docker chooses. podman runs with runc: its default crun
# refuses hybrid cgroup hosts such as this project's CI machines.
#
# Base: `debian:12-slim`, pulled as usual where a registry answers. Where none does, the
# same minimal Debian 12 is made from Debian's own packages with mmdebstrap, imported as
# localhost/debian:12-slim and kept for later builds (--refresh-base makes it again).

# Debian packages scripts/image installs when no container engine is there.
WARDEN_IMAGE_APT_PACKAGES=(podman runc mmdebstrap)
# The upstream base, the Dockerfile's BASE_IMAGE default, named in full: podman would
# otherwise match a short name to localhost/debian:12-slim as well.
WARDEN_UPSTREAM_BASE=docker.io/library/debian:12-slim
# Where a base made from Debian packages is kept.
WARDEN_LOCAL_BASE=localhost/debian:12-slim

# Sets WARDEN_ENGINE (the command, as an array), WARDEN_ENGINE_NAME and WARDEN_ULIMITS (the
# --ulimit options every container and build is run with).
warden_container_engine() {
  local choice="${WARDEN_CONTAINER_ENGINE:-}"
  if [[ -z "$choice" ]]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
      choice=docker
    else
      choice=podman
    fi
  fi
  case "$choice" in
    docker)
      WARDEN_ENGINE=(docker)
      ;;
    podman)
      local missing
      mapfile -t missing < <(warden_not_installed "${WARDEN_IMAGE_APT_PACKAGES[@]}")
      if ! command -v podman >/dev/null 2>&1 || ((${#missing[@]} > 0)); then
        warden_apt_install "${missing[@]}" || return 1
      fi
      WARDEN_ENGINE=(podman)
      command -v runc >/dev/null 2>&1 && WARDEN_ENGINE+=(--runtime runc)
      ;;
    *)
      echo "image: WARDEN_CONTAINER_ENGINE must be podman or docker, not $choice" >&2
      return 1
      ;;
  esac
  # shellcheck disable=SC2034 # these two are read by scripts/image and image_check.sh
  WARDEN_ENGINE_NAME="$choice"
  # shellcheck disable=SC2034
  mapfile -t WARDEN_ULIMITS < <(warden_container_ulimits)
}

# Prints --ulimit options that keep a container's limits within this host's hard limits:
# an engine's defaults (nofile 1048576) are refused where the host allows fewer.
warden_container_ulimits() {
  local nofile nproc
  nofile="$(ulimit -Hn)"
  nproc="$(ulimit -Hu)"
  [[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
  [[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
  printf '%s\n' --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc"
}

# Prints the base image to build on: debian:12-slim when it is present or can be pulled,
# otherwise localhost/debian:12-slim, made with mmdebstrap if it is not there yet (or if
# the first argument is --refresh).
warden_base_image() {
  local refresh="${1:-}"
  if "${WARDEN_ENGINE[@]}" image inspect "$WARDEN_UPSTREAM_BASE" >/dev/null 2>&1 ||
     "${WARDEN_ENGINE[@]}" pull -q "$WARDEN_UPSTREAM_BASE" >/dev/null 2>&1; then
    echo "$WARDEN_UPSTREAM_BASE"
    return 0
  fi
  if [[ "$refresh" != --refresh ]] &&
     "${WARDEN_ENGINE[@]}" image inspect "$WARDEN_LOCAL_BASE" >/dev/null 2>&1; then
    echo "image: $WARDEN_UPSTREAM_BASE cannot be pulled; using $WARDEN_LOCAL_BASE, made" \
      "$("${WARDEN_ENGINE[@]}" image inspect --format '{{.Created}}' "$WARDEN_LOCAL_BASE" |
         cut -c1-19) (--refresh-base makes it again)" >&2
    echo "$WARDEN_LOCAL_BASE"
    return 0
  fi
  echo "image: $WARDEN_UPSTREAM_BASE cannot be pulled; making $WARDEN_LOCAL_BASE from" \
    "Debian's packages with mmdebstrap" >&2
  warden_make_debian_base || return 1
  echo "$WARDEN_LOCAL_BASE"
}

# Makes localhost/debian:12-slim the way Debian's own slim image is made: the minbase
# variant (Essential and Priority: required, with apt), merged /usr, and dpkg told to leave
# out manuals, documentation (but copyrights) and translations, here and in every later
# install. usr-is-merged keeps usrmerge, and the Perl it pulls in, out. The host's Debian
# sources are used when it has them (they are the mirror this machine reaches).
warden_make_debian_base() {
  local work sources=()
  work="$(mktemp -d "${TMPDIR:-/tmp}/warden-base.XXXXXX")" || return 1
  [[ -f /etc/apt/sources.list.d/debian.sources ]] &&
    sources=(/etc/apt/sources.list.d/debian.sources)
  if ! mmdebstrap --quiet --variant=minbase --include=usr-is-merged \
         --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
         --dpkgopt='path-exclude=/usr/share/man/*' \
         --dpkgopt='path-exclude=/usr/share/doc/*' \
         --dpkgopt='path-include=/usr/share/doc/*/copyright' \
         --dpkgopt='path-exclude=/usr/share/locale/*' \
         --dpkgopt='path-exclude=/usr/share/info/*' \
         --aptopt='Acquire::Languages "none"' \
         bookworm "$work/base.tar" "${sources[@]}"; then
    rm -rf "$work"
    echo "image: mmdebstrap could not make the Debian 12 base" >&2
    return 1
  fi
  "${WARDEN_ENGINE[@]}" rmi -f "$WARDEN_LOCAL_BASE" >/dev/null 2>&1 || true
  "${WARDEN_ENGINE[@]}" import "$work/base.tar" "$WARDEN_LOCAL_BASE" >/dev/null
  local status=$?
  rm -rf "$work"
  return "$status"
}
