#!/usr/bin/env bash
# PostgreSQL restarted under load (issue 7, "Survival"): starts the packaged application on a throw-away data
# directory, has six operators type into the drafts of the calls they answered while callers keep calling, then
# stops the embedded PostgreSQL (fast shutdown: every connection is cut), keeps it down for OUTAGE seconds and
# starts it again with the same options, without touching the application. Checks: the application serves
# again on its own (new saves acknowledged), every save it acknowledged is stored, every call it accepted has a
# record, and every record agrees with what the simulated line carries. Prints PASS or FAIL; exits 1 on FAIL.
# Usage: ops/bench/survive-db-restart.sh [outage-seconds] [calls]    (needs JAVA_HOME >= 21, curl, psql)
# SKIP_BUILD=1 reuses operator-console/target's jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUTAGE=${1:-5}
CALLS=${2:-30}
PORT=${PORT:-18380}
PGPORT=${PGPORT:-55532}
OPERATORS=6
source ops/bench/survival-common.sh
PGDATA="$DATA/postgres"

start_app first "$PGPORT"
add_operators

# Operators never give up here (the server is not gone, only its database), and a call arrives every 300 ms.
"$JAVA" ops/bench/SurvivalDriver.java drive "http://127.0.0.1:$PORT" "$OUT" "$CALLS" "$ACCOUNTS" 1000000 300 \
  > "$OUT/driver.log" 2>&1 &
DRIVER=$!
for _ in $(seq 1 600); do
  [ -f "$OUT/typing" ] && break
  kill -0 "$DRIVER" 2>/dev/null || { echo "the driver stopped before typing:"; cat "$OUT/driver.log"; exit 1; }
  sleep 0.1
done
[ -f "$OUT/typing" ] || { echo "the operators never started typing"; cat "$OUT/driver.log"; exit 1; }
sleep 3

# The exact command line the application started PostgreSQL with. PostgreSQL refuses to run as root; as root
# the embedded library runs it in a user namespace of its own (unshare -U), and so does this script.
PM=$(head -1 "$PGDATA/postmaster.pid")
START=$(cat "$PGDATA/postmaster.opts")
[ "$(id -u)" = 0 ] && START="unshare -U $START"
acks() { grep -c '^ACK' "$OUT/saves.log" || true; }
BEFORE=$(acks)
kill -INT "$PM"   # PostgreSQL's fast shutdown: every session is cut, a checkpoint is written
while kill -0 "$PM" 2>/dev/null; do sleep 0.05; done
echo "PostgreSQL stopped (fast) after $BEFORE acknowledged saves; down for $OUTAGE s"
sleep "$OUTAGE"
AT_DOWN_END=$(acks)
eval "setsid nohup $START" > "$DATA/pg-restarted.log" 2>&1 < /dev/null &
for _ in $(seq 1 100); do "${PSQL[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
UP=$(date +%s.%N)
SERVED=
for _ in $(seq 1 600); do
  if [ "$(acks)" -gt "$AT_DOWN_END" ]; then SERVED=$(echo "$(date +%s.%N) - $UP" | bc); break; fi
  sleep 0.1
done
sleep 5
touch "$OUT/stop"
wait "$DRIVER" 2>/dev/null || true
DRIVER=
AFTER=$(acks)
echo "PostgreSQL back; first acknowledged save after ${SERVED:-never} s; acknowledged saves: $BEFORE before," \
  "$((AT_DOWN_END - BEFORE)) between the stop signal and the end of the outage, $((AFTER - AT_DOWN_END)) after"
echo "answered 5xx while down: $(grep -c '^REFUSED5' "$OUT/saves.log" || true), no answer: $(grep -c '^NOANSWER' "$OUT/saves.log" || true)," \
  "calls refused: $(grep -c 'a call was refused' "$OUT/driver.log" || true), accepted: $(wc -l < "$OUT/calls.log")"
kill -0 "$APP" 2>/dev/null || { echo "FAIL: the application died"; exit 1; }
[ -n "$SERVED" ] || { echo "FAIL: the application did not acknowledge a save after the database came back"; exit 1; }
"$JAVA" ops/bench/SurvivalDriver.java verify "http://127.0.0.1:$PORT" "$OUT" running
