#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into the database named by DATABASE_URL,
# which is created if missing and must otherwise be empty.
#   DATABASE_URL=postgres://.../esc_restored scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
file=${1:?usage: scripts/restore.sh FILE}
db=${DATABASE_URL##*/}
db=${db%%\?*}
server=${DATABASE_URL%/*}/postgres
psql "$server" -v ON_ERROR_STOP=1 -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql "$server" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$db\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$file"
echo "restored $file into $db"
