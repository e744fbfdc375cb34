# Shared by the survival runs (survive-kill.sh, survive-db-restart.sh); sourced, not run. Expects CALLS, PORT,
# PGPORT and OPERATORS set; gives DATA, OUT, JAVA, JARFILE, PSQL, ACCOUNTS, start_app, add_operators and a trap
# that stops everything the run started.
DATA=$(mktemp -d)
OUT="$DATA/run"
mkdir -p "$OUT"
APP=
DRIVER=
stop_all() {
  [ -n "$DRIVER" ] && { touch "$OUT/stop"; wait "$DRIVER" 2>/dev/null || true; }
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; }
  # A PostgreSQL the run left (the killed JVM's, or the one a restart run started itself) is ours too: stop it by
  # the pid in its own lock file.
  if [ -f "$DATA/postgres/postmaster.pid" ]; then
    kill "$(head -1 "$DATA/postgres/postmaster.pid")" 2>/dev/null || true
    sleep 1
  fi
  [ -n "${KEEP:-}" ] && echo "kept $DATA" || rm -rf "$DATA"
}
trap stop_all EXIT

JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -o -DskipTests package >/dev/null
JARFILE=$(ls operator-console/target/operator-console-*-SNAPSHOT.jar)

# start_app NAME PGPORT: the jar on the run's data directory, logging to $DATA/app-NAME.log; returns once the
# console answers, fails if the process dies or nothing answers within 120 s.
start_app() {
  "$JAVA" -jar "$JARFILE" --server.port=$PORT --server.address=127.0.0.1 --hotline.data-dir="$DATA" \
    --hotline.database.embedded.port="$2" >> "$DATA/app-$1.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 240); do
    curl -s -o /dev/null "127.0.0.1:$PORT/login" && return 0
    kill -0 "$APP" 2>/dev/null || { echo "the application did not start ($1):"; tail -30 "$DATA/app-$1.log"; return 1; }
    sleep 0.5
  done
  echo "the application did not answer within 120 s ($1)"; return 1
}

# add_operators: more operators than the two demo ones (same password as 'operator'), so several drafts are typed
# at once; sets ACCOUNTS for the driver. Waits for the demo accounts, created just after the port opens.
add_operators() {
  export PGPASSWORD=postgres
  PSQL=(psql -q -tA -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
  for _ in $(seq 1 100); do
    [ "$("${PSQL[@]}" -c "select count(*) from hotline.app_user where username = 'operator2'")" = 1 ] && break
    sleep 0.2
  done
  ACCOUNTS="operator:operator-demo,operator2:operator2-demo"
  for i in $(seq 1 $((OPERATORS - 2))); do
    "${PSQL[@]}" -c "insert into hotline.app_user (username, display_name, password_hash, role, languages)
      select 'survivor$i', 'Testfirst Fakename $i', password_hash, 'OPERATOR', '{en}'
      from hotline.app_user where username = 'operator'"
    ACCOUNTS="$ACCOUNTS,survivor$i:operator-demo"
  done
}
