#!/usr/bin/env bash
# Backup-and-restore drill for the hotline's external PostgreSQL (docs/operations.md, "Backup and restore").
#
#   TIPHOTLINE_ENV=/etc/tiphotline/env TIPHOTLINE_JAR=/opt/tiphotline/tiphotline.jar ops/backup/drill.sh
#
# 1. reads the newest registry case (or DRILL_CASE=C-2026-000123) in the live database with the application's own
#    check (java -jar ... --hotline.backup-check): its personal fields and its reports' are decrypted with the
#    production keys and fingerprinted under a one-time salt (nothing personal is printed);
# 2. dumps the database (pg_dump, custom format);
# 3. restores the dump into a fresh database on the same server (or DRILL_TARGET_HOST/PORT) with pg_restore;
# 4. reads the same case in the restored database and compares the fingerprints;
# 5. drops the fresh database and the dump (DRILL_KEEP=1 keeps both), and ends with PASS or FAIL.
#
# The connection comes from SPRING_DATASOURCE_URL and SPRING_FLYWAY_USER/PASSWORD (the schema's owner; without them
# SPRING_DATASOURCE_USERNAME/PASSWORD) in TIPHOTLINE_ENV (the nodes' settings, keys included); that user needs
# CREATEDB for step 3 (or give DRILL_TARGET_* of a scratch server with such a user).
# pg_dump refuses a server of a newer major version than its own: the client tools (PG_BIN, default: those on PATH)
# must be of the server's major version or newer (Debian 12's postgresql-client-15 fits a PostgreSQL 15 server; for
# 16-18 install that version's client from the PostgreSQL project's apt repository). The embedded database of the
# demo run ships no pg_dump: this drill is for the external PostgreSQL of a deployment.
set -uo pipefail

fail() { echo "FAIL: $*"; exit 1; }
step() { echo "[$(date -u +%H:%M:%S)] $*"; }

[ -n "${TIPHOTLINE_ENV:-}" ] || fail "set TIPHOTLINE_ENV to the nodes' settings file (database and keys)"
[ -r "$TIPHOTLINE_ENV" ] || fail "cannot read $TIPHOTLINE_ENV"
[ -r "${TIPHOTLINE_JAR:-}" ] || fail "set TIPHOTLINE_JAR to the application's jar"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
set -a
# shellcheck disable=SC1090
. "$TIPHOTLINE_ENV"
set +a
[ -n "${SPRING_DATASOURCE_URL:-}" ] || fail "SPRING_DATASOURCE_URL is not set in $TIPHOTLINE_ENV"

# jdbc:postgresql://host:port/database[?...]
url="${SPRING_DATASOURCE_URL#jdbc:postgresql://}"
url="${url%%\?*}"
hostport="${url%%/*}"
source_db="${url#*/}"
export PGHOST="${hostport%%:*}"
export PGPORT="5432"
[ "$hostport" != "$PGHOST" ] && PGPORT="${hostport##*:}"
# The schema's owner when the settings name one (docs/operations.md, "Database roles"): it dumps and restores
# everything as it is; the application's role only reads (the check in steps 1 and 4 uses it).
export PGUSER="${SPRING_FLYWAY_USER:-${SPRING_DATASOURCE_USERNAME:-}}"
export PGPASSWORD="${SPRING_FLYWAY_PASSWORD:-${SPRING_DATASOURCE_PASSWORD:-}}"
target_host="${DRILL_TARGET_HOST:-$PGHOST}"
target_port="${DRILL_TARGET_PORT:-$PGPORT}"
bin="${PG_BIN:+$PG_BIN/}"

server=$("${bin}psql" -X -A -t -d "$source_db" -c "show server_version_num") \
  || fail "cannot connect to $PGHOST:$PGPORT/$source_db as $PGUSER"
server_major=$((server / 10000))
client_major=$("${bin}pg_dump" --version | sed -n 's/.* \([0-9][0-9]*\)\..*/\1/p')
[ -n "$client_major" ] || fail "no pg_dump in ${PG_BIN:-PATH}"
[ "$client_major" -ge "$server_major" ] \
  || fail "pg_dump $client_major cannot dump PostgreSQL $server_major: install the client tools of version $server_major or newer and set PG_BIN"
step "PostgreSQL $server_major at $PGHOST:$PGPORT, database $source_db; client tools $client_major"

salt=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
check() { # database -> "CASE <reference> <fingerprint> <fields>"
  "$JAVA" -jar "$TIPHOTLINE_JAR" "--hotline.backup-check${DRILL_CASE:+=$DRILL_CASE}" \
    "--hotline.backup-check.salt=$salt" \
    "--spring.datasource.url=jdbc:postgresql://$1/$2" --logging.level.root=WARN 2>&1 | grep -E '^CASE |^No case|^The case|^No protection'
}

step "reading the case in the live database"
before=$(check "$PGHOST:$PGPORT" "$source_db")
echo "  $before"
[[ "$before" == CASE* ]] || fail "the live database gave no case to read back: ${before:-no answer} (no case yet: create one, or set DRILL_CASE)"
reference=$(echo "$before" | cut -d' ' -f2)
DRILL_CASE="$reference"

work=$(mktemp -d "${TMPDIR:-/tmp}/tiphotline-drill.XXXXXX")
dump="$work/tiphotline.dump"
fresh="tiphotline_drill_$(date -u +%Y%m%d%H%M%S)"
cleanup() {
  if [ "${DRILL_KEEP:-0}" != "1" ]; then
    "${bin}dropdb" -h "$target_host" -p "$target_port" --if-exists "$fresh" >/dev/null 2>&1
    rm -rf "$work"
  else
    echo "kept: database $fresh on $target_host:$target_port, dump $dump"
  fi
}
trap cleanup EXIT

step "pg_dump (custom format) to $dump"
started=$(date +%s)
"${bin}pg_dump" -d "$source_db" --format=custom --file="$dump" || fail "pg_dump failed"
echo "  $(du -h "$dump" | cut -f1), $(( $(date +%s) - started )) s"

step "pg_restore into the fresh database $fresh on $target_host:$target_port"
started=$(date +%s)
"${bin}createdb" -h "$target_host" -p "$target_port" "$fresh" || fail "cannot create $fresh (the user needs CREATEDB)"
"${bin}pg_restore" -h "$target_host" -p "$target_port" -d "$fresh" --no-owner --exit-on-error "$dump" \
  || fail "pg_restore failed"
echo "  $(( $(date +%s) - started )) s"
for table in registry_case call call_event audit_log; do
  n=$("${bin}psql" -X -A -t -h "$target_host" -p "$target_port" -d "$fresh" -c "select count(*) from hotline.$table")
  echo "  restored hotline.$table: $n rows"
done

step "reading case $reference in the restored database"
after=$(check "$target_host:$target_port" "$fresh")
echo "  $after"
[[ "$after" == CASE* ]] || fail "case $reference not readable in the restored database"
[ "$after" = "$before" ] || fail "case $reference differs after the restore (or did not decrypt with the keys)"
fields=$(echo "$after" | cut -d' ' -f4)
[ "$fields" -ge 1 ] || fail "case $reference has no personal field to decrypt: the keys were not exercised"
echo "PASS: case $reference restored into $fresh and read back, $fields encrypted field group(s) decrypted with the keys, identical to before the dump"
