#!/usr/bin/env bash
# Back up the PostgreSQL database named by DATABASE_URL to a custom-format dump.
#   DATABASE_URL=postgres://... scripts/backup.sh [FILE]
# Media files (uploaded documents, images) are backed up separately: see docs/deploy.md.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
file=${1:-backups/esc-$(date -u +%Y%m%dT%H%M%SZ).dump}
mkdir -p "$(dirname "$file")"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL"
echo "$file"
