#!/usr/bin/env bash
# Call-log paging with 100,000 calls: starts the application on a throw-away data directory, fills it with
# fake calls (masked numbers only, no personal data) straight into PostgreSQL, then times the supervisor's
# first page, a deep page (by keyset cursor) and filtered pages over HTTP. Prints medians of 20 requests after 30 warm-up requests each.
# Usage: ops/bench/calllog-at-scale.sh [calls]      (needs JAVA_HOME >= 21, psql, curl)
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=${1:-100000}
PORT=18080
PGPORT=55432
DATA=$(mktemp -d)
trap 'kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; rm -rf "$DATA"' EXIT

./mvnw -q -B -DskipTests package >/dev/null
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java"
"$JAVA" -jar operator-console/target/operator-console-*-SNAPSHOT.jar --server.port=$PORT \
  --hotline.data-dir="$DATA" --hotline.database.embedded.port=$PGPORT > "$DATA/app.log" 2>&1 &
APP=$!
for i in $(seq 1 240); do
  curl -s -o /dev/null localhost:$PORT/login && break
  kill -0 "$APP" 2>/dev/null || { echo "the application did not start:"; tail -20 "$DATA/app.log"; exit 1; }
  sleep 0.5
done

export PGPASSWORD=postgres
psql -q -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number, arrived_at, state, language,
  urgent, caller_type, queued_at, answered_at, ended_at, operator_id, outcome, last_seq)
select gen_random_uuid(), 'sim', 'BENCH-' || g, '•••• ' || lpad((g % 100)::text, 2, '0'), 'HOTLINE',
  now() - make_interval(mins => g), 'ENDED', (array['en','es','fr'])[1 + g % 3], g % 7 = 0,
  (array['AFFECTED_PERSON','SOMEONE_ELSE','PROFESSIONAL'])[1 + g % 3],
  now() - make_interval(mins => g) + interval '20 s',
  case when g % 5 <> 0 then now() - make_interval(mins => g) + interval '50 s' end,
  now() - make_interval(mins => g) + interval '5 min',
  case when g % 5 <> 0 then 1 + g % 2 end,
  case when g % 5 <> 0 then 'COMPLETED' else 'ABANDONED_IN_QUEUE' end, 5
from generate_series(1, $CALLS) g;
insert into hotline.call_event (call_id, seq, type, at)
select id, s, (array['ARRIVED','IVR_ANSWER','QUEUED','OFFERED','ENDED'])[s], arrived_at + make_interval(secs => s)
from hotline.call cross join generate_series(1, 5) s where provider_call_id like 'BENCH-%';
analyze;
SQL
echo "calls in the log: $(psql -tA -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -c 'select count(*) from hotline.call')"

JAR=$(mktemp)
curl -s -c "$JAR" -b "$JAR" localhost:$PORT/login -o "$DATA/login.html"
TOKEN=$(grep -o 'name="_csrf" type="hidden" value="[^"]*"' "$DATA/login.html" | sed 's/.*value="//;s/"//')
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "username=supervisor&password=supervisor-demo&_csrf=$TOKEN" localhost:$PORT/login

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local label=$1 url=$2
  for i in $(seq 1 30); do curl -s -b "$JAR" -o /dev/null "localhost:$PORT$url"; done   # warm-up, not counted
  for i in $(seq 1 20); do curl -s -b "$JAR" -o /dev/null -w '%{time_total}\n' "localhost:$PORT$url"; done \
    | awk '{printf "%.1f\n", $1 * 1000}' | median | xargs printf "%-40s median %6s ms\n" "$label"
}
# The cursor the console would hold after paging through 1,000 pages of 50 (row 50,000), in its own format:
# nanoseconds since the epoch, '_', the call id.
DEEP=$(psql -tA -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -c "select (extract(epoch from date_trunc('second', arrived_at))::bigint * 1000000000 + extract(microseconds from arrived_at)::bigint % 1000000 * 1000) || '_' || id from hotline.call order by arrived_at desc, id desc offset 49999 limit 1")
test "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "localhost:$PORT/api/calllog?limit=50&cursor=$DEEP")" = 200
measure "first page (50 rows)" "/api/calllog?limit=50"
measure "page 1,001 by cursor (50 rows)" "/api/calllog?limit=50&cursor=$DEEP"
measure "filter: outcome, first page" "/api/calllog?limit=50&outcome=ABANDONED_IN_QUEUE"
measure "filter: operator + date range" "/api/calllog?limit=50&operator=2&from=$(date -u -d '-30 days' +%F)&to=$(date -u +%F)"
measure "floor: GET /api/me" "/api/me"
