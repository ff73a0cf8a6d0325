#!/usr/bin/env bash
# Several hosts, really (issue 19): a small cluster on this one machine, the 09:00 rush
# through its load balancer, one application host killed halfway.
#
#   sudo ops/multihost.sh                      # as root, from a checkout (a fresh clone too)
#   sudo JOINS=2000 SIGNUPS=500 RUSH_SECONDS=60 ops/multihost.sh   # bench/load.py's full rush
#
# Each "host" is a Linux network namespace with its own address in 198.18.19.0/24 (RFC 2544's
# benchmarking range; the addresses exist only inside these namespaces), wired to a bridge
# that lives in a namespace of its own, so nothing is added to the machine's own network:
#
#   lb      198.18.19.10  haproxy (Debian's), health check GET /readyz/ every second
#   app1    198.18.19.11  gunicorn + db_worker, config.settings.production, this checkout
#   app2    198.18.19.12  the same
#   db      198.18.19.20  PostgreSQL (a throwaway cluster), listening on that address only
#   redis   198.18.19.21  redis-server, the same
#   bbb     198.18.19.40  the BigBlueButton emulator
#   client  198.18.19.30  the rush (ops/multihost_rush.py, bench/load.py's participants)
#
# Media and certificate PDFs are in one directory both application hosts use (as NFS would
# be). ops/multihost_rush.py starts a bulk issuance, runs the rush, kills every process of the
# application host whose worker took the issuance at half time, and reports failed requests,
# the failover time, lost writes and duplicates (exit status 1 if any write answered 2xx/3xx
# is missing or a certificate is duplicated). Everything is removed on exit (trap): the
# namespaces, their processes, the cluster, the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

JOINS=${JOINS:-600}
SIGNUPS=${SIGNUPS:-150}
RUSH_SECONDS=${RUSH_SECONDS:-40}
CERTIFICATES=${CERTIFICATES:-150}
WEB_WORKERS=${WEB_WORKERS:-2}
TAG=${TAG:-escmh$$}
NET=198.18.19
HOSTS="lb app1 app2 db redis bbb client"
declare -A ADDRESS=([lb]=10 [app1]=11 [app2]=12 [db]=20 [redis]=21 [bbb]=40 [client]=30)

[ "$(id -u)" = "0" ] || { echo "Run as root: network namespaces need it." >&2; exit 1; }

WORK=$(mktemp -d /tmp/esc-multihost.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs" "$WORK/shared/media" "$WORK/shared/certificates"
policy_rc=""

log() { printf '%s %s\n' "$(date +%T)" "$*"; }

cleanup() {
    local status=$?
    set +e
    disown -a 2>/dev/null  # no "Killed" notices for the processes stopped below
    for host in $HOSTS sw; do
        pids=$(ip netns pids "$TAG-$host" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    done
    for host in $HOSTS sw; do
        for _ in $(seq 50); do
            [ -z "$(ip netns pids "$TAG-$host" 2>/dev/null)" ] && break
            sleep 0.1
        done
        ip netns del "$TAG-$host" 2>/dev/null
    done
    [ -n "$policy_rc" ] && rm -f /usr/sbin/policy-rc.d
    if [ -n "${KEEP_LOGS:-}" ]; then
        mkdir -p "$KEEP_LOGS" && cp -r "$WORK/logs/." "$KEEP_LOGS/" && echo "Logs kept in $KEEP_LOGS"
    fi
    rm -rf "$WORK"
    left=$(ip netns list | grep -c "^$TAG-" || true)
    strays=$(pgrep -f "$WORK" || true)
    if [ "$left" = "0" ] && [ -z "$strays" ]; then
        log "Torn down: no namespace, no process, no file left."
    else
        log "LEFT BEHIND: $left namespace(s), processes: ${strays:-none}" >&2
        status=1
    fi
    exit $status
}
trap cleanup EXIT INT TERM

# --- what the machine needs ---------------------------------------------------------------
missing=""
command -v ip >/dev/null || missing="$missing iproute2"
command -v haproxy >/dev/null || missing="$missing haproxy"
command -v redis-server >/dev/null || missing="$missing redis-server"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v make >/dev/null || missing="$missing make"
if [ -n "$missing" ]; then
    log "Installing Debian packages:$missing"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # Installing must not start Debian's own haproxy, Redis or PostgreSQL services.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_rc=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
make -s venv messages >/dev/null
PY=$ROOT/.venv/bin/python
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# --- the network ----------------------------------------------------------------------------
log "Network: namespaces $TAG-{$(echo $HOSTS | tr ' ' ',')} on a bridge in $TAG-sw, $NET.0/24"
ip netns add "$TAG-sw"
ip -n "$TAG-sw" link set lo up
ip -n "$TAG-sw" link add br0 type bridge
ip -n "$TAG-sw" link set br0 up
for host in $HOSTS; do
    ip netns add "$TAG-$host"
    ip -n "$TAG-$host" link set lo up
    ip -n "$TAG-sw" link add "to-$host" type veth peer name eth0 netns "$TAG-$host"
    ip -n "$TAG-sw" link set "to-$host" master br0 up
    ip -n "$TAG-$host" addr add "$NET.${ADDRESS[$host]}/24" dev eth0
    ip -n "$TAG-$host" link set eth0 up
done
on() { local host=$1; shift; ip netns exec "$TAG-$host" "$@"; }

# --- PostgreSQL and Redis hosts -----------------------------------------------------------
log "db: PostgreSQL on $NET.20:5432"
install -d -o postgres -g postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
echo "host all all $NET.0/24 trust" >> "$WORK/pg/data/pg_hba.conf"
on db runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w \
    -o "-c listen_addresses=$NET.20 -p 5432 -k $WORK/pg -c max_connections=200 -c fsync=off" \
    start >/dev/null
log "redis: redis-server on $NET.21:6379"
on redis redis-server --bind "$NET.21" --port 6379 --save "" --appendonly no \
    --protected-mode no >"$WORK/logs/redis.log" 2>&1 &

# --- the application's environment (the same on both hosts) -------------------------------
BBB_SECRET=$($PY -c 'import secrets; print(secrets.token_hex(24))')
cat > "$WORK/app.env" <<EOF
DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')
DATABASE_URL=postgres://postgres@$NET.20:5432/esc
REDIS_URL=redis://$NET.21:6379/0
ALLOWED_HOSTS=$NET.10,$NET.11,$NET.12
SITE_URL=http://$NET.10
TRUSTED_PROXY_COUNT=2
BBB_URL=http://$NET.40:8090/bigbluebutton/api/
BBB_SECRET=$BBB_SECRET
EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
MEDIA_ROOT=$WORK/shared/media
CERTIFICATE_PDF_ROOT=$WORK/shared/certificates
WORKER_HEARTBEAT_SECONDS=1
WORKER_STALE_SECONDS=5
PYTHONUNBUFFERED=1
EOF
app() { local host=$1; shift; on "$host" env $(cat "$WORK/app.env") "$@"; }

log "app1: createdb, migrate, collectstatic, seed_demo, the rush's participants"
app app1 createdb -h "$NET.20" -U postgres esc
app app1 "$PY" manage.py migrate --noinput -v0
app app1 "$PY" manage.py collectstatic --noinput -v0
app app1 "$PY" manage.py seed_demo >/dev/null
app app1 "$PY" ops/multihost_rush.py prepare --state "$WORK/state.json" \
    --joins "$JOINS" --certificates "$CERTIFICATES" --errorfile "$WORK/503.http"

# --- application hosts, BBB, the load balancer ---------------------------------------------
for host in app1 app2; do
    address=$NET.${ADDRESS[$host]}
    log "$host: gunicorn ($WEB_WORKERS workers) on $address:8000 and a db_worker"
    app "$host" "$ROOT/.venv/bin/gunicorn" config.wsgi:application --bind "$address:8000" \
        --workers "$WEB_WORKERS" --timeout 30 --graceful-timeout 20 --keep-alive 5 \
        >"$WORK/logs/$host-web.log" 2>&1 &
    app "$host" "$PY" manage.py db_worker --backend db --queue-name '*' --no-reload \
        --worker-id "$host-$TAG" >"$WORK/logs/$host-worker.log" 2>&1 &
done
log "bbb: the BigBlueButton emulator on $NET.40:8090"
app bbb "$PY" manage.py run_bbb_emulator --host "$NET.40" --port 8090 --secret "$BBB_SECRET" \
    >"$WORK/logs/bbb.log" 2>&1 &

cat > "$WORK/haproxy.cfg" <<EOF
global
    log stdout format raw local0
    stats socket $WORK/haproxy.sock mode 600 level admin
    maxconn 4000

defaults
    mode http
    log global
    # accept time, server, status, termination state, request: what the report reads
    log-format "esc %Ts.%ms %b/%s %ST %tsc %HM %HU"
    option forwardfor
    # A connection the server refuses (a dead host not yet out of the pool) is tried on the
    # other one. A GET the server took and then died on is sent again there too; a POST is
    # never sent twice (it may have been stored: the person sees the failure and decides).
    option redispatch
    retries 2
    retry-on conn-failure empty-response
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout check 3s
    errorfile 503 $WORK/503.http

frontend web
    bind $NET.10:80
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend app

backend app
    option httpchk
    http-check send meth GET uri /readyz/ ver HTTP/1.1 hdr Host $NET.10
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    server app1 $NET.11:8000 check
    server app2 $NET.12:8000 check
EOF
log "lb: haproxy on $NET.10:80"
on lb haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/logs/haproxy.log" 2>&1 &

# --- the rush -----------------------------------------------------------------------------------
disown -a  # the rush kills an application host; bash need not announce it
status=0
app client "$PY" ops/multihost_rush.py rush --state "$WORK/state.json" --balancer "$NET.10" \
    --haproxy-socket "$WORK/haproxy.sock" --haproxy-log "$WORK/logs/haproxy.log" \
    --namespace-prefix "$TAG" --joins "$JOINS" --signups "$SIGNUPS" \
    --certificates "$CERTIFICATES" --seconds "$RUSH_SECONDS" || status=$?
exit $status
