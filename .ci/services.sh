#!/usr/bin/env bash
# Services the test suite needs, from Debian's packages: a PostgreSQL server on loopback (for the
# store's PostgreSQL tests) and Chromium (for the browser tests and PDF reports).
# Source it: it exports DETENTE_TEST_DATABASE_URL.
set -euo pipefail

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "services: cannot install $* here (needs root and apt-get)" >&2
    return 1
  fi
  if [ -z "${DETENTE_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export DETENTE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v chromium >/dev/null 2>&1 || apt_install chromium || true

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt_install postgresql || true
fi
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
  PG_DIR=${DETENTE_PG_DIR:-/tmp/detente-ci-pg}
  PG_PORT=${DETENTE_PG_PORT:-55432}
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    chown postgres "$PG_DIR" 2>/dev/null || true
    su postgres -s /bin/sh -c "$PG_BIN/initdb -D $PG_DIR -A trust -U postgres" >/dev/null
  fi
  if ! su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DIR status" >/dev/null 2>&1; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $PG_DIR -l $PG_DIR/server.log -w \
      -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null
  fi
  su postgres -s /bin/sh -c "psql -h 127.0.0.1 -p $PG_PORT -U postgres -tc \
    \"SELECT 1 FROM pg_database WHERE datname='detente_test'\"" | grep -q 1 ||
    su postgres -s /bin/sh -c "psql -h 127.0.0.1 -p $PG_PORT -U postgres -c \
      'CREATE DATABASE detente_test'" >/dev/null
  export DETENTE_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/detente_test"
  echo "services: PostgreSQL on 127.0.0.1:$PG_PORT ($DETENTE_TEST_DATABASE_URL)"
else
  echo "services: no PostgreSQL; its tests will skip" >&2
fi
