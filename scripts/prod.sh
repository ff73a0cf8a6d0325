#!/usr/bin/env bash
# `make prod`: the production profile on this machine, on 127.0.0.1 only.
# gunicorn (several workers) + the task worker, config.settings.production, PostgreSQL,
# Redis for cache and sessions, WhiteNoise for static files. Starts PostgreSQL and Redis
# when nothing answers (installing Debian's packages when root).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
WORKERS=${WORKERS:-4}
DB_NAME=${DB_NAME:-esc_prod}

scripts/ensure-services.sh

# A secret key made once for this checkout and kept out of git.
if [ ! -f .prod.env ]; then
    echo "SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')" > .prod.env
    chmod 600 .prod.env
fi
set -a
# shellcheck disable=SC1091
. ./.prod.env
DJANGO_SETTINGS_MODULE=config.settings.production
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB_NAME}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
# Plain http is allowed by the production settings only with this flag, on 127.0.0.1.
ESC_LOCAL_ONLY=1
EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
ESC_PORT=$PORT
ESC_WORKERS=$WORKERS
set +a

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$DB_NAME"

$PY manage.py check --deploy --fail-level ERROR
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo
echo "Production profile on http://127.0.0.1:$PORT/ ($WORKERS gunicorn workers, PostgreSQL $DB_NAME, Redis)"
exec .venv/bin/honcho start -f Procfile.prod
