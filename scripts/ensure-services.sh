#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer; start them if not.
set -euo pipefail

as_root() { [ "$(id -u)" = "0" ]; }
apt_install() {
    as_root || { echo "Missing $* and not root: install it first." >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
    if [ -n "$version" ] && pg_lsclusters -h | grep -q "^$version main"; then
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
    else
        version=$(psql --version | awk '{print $3}' | cut -d. -f1)
        pg_createcluster "$version" main -p 5432 -- -A trust -U postgres >/dev/null
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
    fi
    pg_isready -q -h 127.0.0.1 -p 5432 -t 30
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
