#!/usr/bin/env bash
# Kill -9 with calls in progress (issue 7, "Survival"): starts the packaged application on a throw-away data
# directory, signs in operators, places 50 simulated calls (IVR, queued, ringing, talking), has every operator
# type into the draft of the call they answered, kills the JVM with SIGKILL mid-typing, restarts it on the same
# data directory and checks: every placed call has a record, every save the server acknowledged is stored,
# no call is left live that the simulated line no longer carries. Prints PASS or FAIL; exits 1 on FAIL.
# Usage: ops/bench/survive-kill.sh [calls] [typing-seconds]    (needs JAVA_HOME >= 21, curl, psql)
# SKIP_BUILD=1 reuses operator-console/target's jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=${1:-50}
TYPING=${2:-4}
PORT=${PORT:-18380}
PGPORT=${PGPORT:-55532}
# The restart uses the default configuration's free port unless told otherwise: a killed run's PostgreSQL that
# still held the data directory used to make exactly that start fail.
RESTART_PGPORT=${RESTART_PGPORT:-0}
OPERATORS=6
source ops/bench/survival-common.sh

start_app first "$PGPORT"
add_operators

"$JAVA" ops/bench/SurvivalDriver.java drive "http://127.0.0.1:$PORT" "$OUT" "$CALLS" "$ACCOUNTS" \
  > "$OUT/driver.log" 2>&1 &
DRIVER=$!
for _ in $(seq 1 600); do
  [ -f "$OUT/typing" ] && break
  kill -0 "$DRIVER" 2>/dev/null || { echo "the driver stopped before typing:"; cat "$OUT/driver.log"; exit 1; }
  sleep 0.1
done
[ -f "$OUT/typing" ] || { echo "the operators never started typing"; cat "$OUT/driver.log"; exit 1; }
sleep "$TYPING"
LIVE_BEFORE=$("${PSQL[@]}" -c "select string_agg(state || ' ' || n, ', ' order by state) from
  (select state, count(*) n from hotline.call where state <> 'ENDED' group by state) s")
kill -9 "$APP"
wait "$APP" 2>/dev/null || true
APP=
echo "killed -9 with calls in progress: $LIVE_BEFORE"
wait "$DRIVER" 2>/dev/null || true
DRIVER=
LEFTOVER=
if [ -f "$DATA/postgres/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/postgres/postmaster.pid")" 2>/dev/null; then
  LEFTOVER=$(head -1 "$DATA/postgres/postmaster.pid")
  echo "the killed JVM's PostgreSQL (pid $LEFTOVER) is still running, holding the data directory"
fi

start_app restart "$RESTART_PGPORT" || { echo "FAIL: the application did not start again on the killed run's data"; exit 1; }
if [ -n "$LEFTOVER" ]; then
  kill -0 "$LEFTOVER" 2>/dev/null && echo "the restart runs on the leftover PostgreSQL" \
    || echo "the restart shut the leftover PostgreSQL down and started its own"
fi
PGPORT=$(grep -o 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$DATA/app-restart.log" | tail -1 | cut -d: -f2)
PSQL=(psql -q -tA -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
# Reconciliation runs when the application is ready, just after the port opens: give it a moment.
for _ in $(seq 1 40); do
  [ "$("${PSQL[@]}" -c "select count(*) from hotline.call where state <> 'ENDED'")" = 0 ] && break
  sleep 0.25
done
"$JAVA" ops/bench/SurvivalDriver.java verify "http://127.0.0.1:$PORT" "$OUT" restarted
