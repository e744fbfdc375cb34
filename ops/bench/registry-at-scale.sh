#!/usr/bin/env bash
# The registry and the call log at scale: starts the application on a throw-away data directory, fills it with fake
# registry cases and fake calls (no personal data: the encrypted columns stay empty, numbers are random keyed hashes)
# straight into PostgreSQL, places three calls from one fictional number through the simulated line (so the app
# itself computes their caller hash), then times over HTTP the call log's first page, the search by that caller
# number and the quarterly statistics of one quarter, against the call log's own floor (GET /api/me).
# Prints medians of 20 requests after 30 warm-up requests each, the query plans, and a PASS/FAIL line.
# Usage: ops/bench/registry-at-scale.sh [cases] [calls]   (defaults 1,000,000 and 1,000,000; 5 events per call)
#        needs JAVA_HOME >= 21, psql, curl; MVN_OFFLINE=1 builds with -o, SKIP_BUILD=1 uses the jar already built
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${1:-1000000}
CALLS=${2:-1000000}
PORT=18280
PGPORT=55632
# The quarter timed: cases are spread evenly over 2021-2025 (20 quarters), so it holds about CASES / 20 of them.
YEAR=2024
QUARTER=2
CALLER="+1 555 010 0123"   # fictional (555-01xx), as a supervisor would type it
PAGE_MS=50
SEARCH_MS=50
STATISTICS_MS=1000
DATA=$(mktemp -d)
trap 'kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; rm -rf "$DATA"' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
test -n "${SKIP_BUILD:-}" || ./mvnw -q -B ${MVN_OFFLINE:+-o} -DskipTests package >/dev/null
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java"
"$JAVA" -jar operator-console/target/operator-console-*-SNAPSHOT.jar --server.port=$PORT \
  --hotline.data-dir="$DATA" --hotline.database.embedded.port=$PGPORT > "$DATA/app.log" 2>&1 &
APP=$!
for i in $(seq 1 240); do
  curl -s -o /dev/null localhost:$PORT/login && break
  kill -0 "$APP" 2>/dev/null || { echo "the application did not start:"; tail -20 "$DATA/app.log"; exit 1; }
  sleep 0.5
done

login() {   # cookie jar, user, password; the demo accounts appear a moment after the login page does
  local token
  for i in $(seq 1 60); do
    curl -s -c "$1" -b "$1" localhost:$PORT/login -o "$DATA/login.html"
    token=$(grep -o 'name="_csrf" type="hidden" value="[^"]*"' "$DATA/login.html" | sed 's/.*value="//;s/"//')
    curl -s -c "$1" -b "$1" -o /dev/null -d "username=$2&password=$3&_csrf=$token" localhost:$PORT/login
    test "$(curl -s -b "$1" -o /dev/null -w '%{http_code}' localhost:$PORT/api/me)" = 200 && return 0
    sleep 1
  done
  echo "could not sign in as $2"; exit 1
}
SUPERVISOR=$DATA/supervisor.jar
MANAGER=$DATA/datamanager.jar
login "$SUPERVISOR" supervisor supervisor-demo
login "$MANAGER" datamanager datamanager-demo

# Three calls from the fictional number, through the app: their caller_hash is the app's keyed hash of it.
CSRF=$(curl -s -b "$SUPERVISOR" localhost:$PORT/api/me | grep -o '"token":"[^"]*"' | sed 's/.*:"//;s/"//')
for i in 1 2 3; do
  PLACED=$(curl -s -b "$SUPERVISOR" -H "X-CSRF-TOKEN: $CSRF" -H 'Content-Type: application/json' \
    -d "{\"callerNumber\": \"$CALLER\", \"language\": \"en\"}" localhost:$PORT/api/sim/calls)
  ID=$(echo "$PLACED" | grep -o '"providerCallId":"[^"]*"' | sed 's/.*:"//;s/"//')
  test -n "$ID" || { echo "placing a simulated call failed: $PLACED"; exit 1; }
  curl -s -b "$SUPERVISOR" -H "X-CSRF-TOKEN: $CSRF" -o /dev/null -X POST "localhost:$PORT/api/sim/calls/$ID/caller-hangup"
done

export PGPASSWORD=postgres
PSQL=(psql -q -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -v ON_ERROR_STOP=1)
START=$(date +%s)
"${PSQL[@]}" <<SQL
do \$\$ begin perform setseed(0.2026); end \$\$;
-- Cases: evenly over 2021-2025; sex, age, place and one or two exploitation types drawn at random with some left
-- unrecorded; 1 in 100 merged into the case before it (closed, not counted). No names, no personal_enc.
insert into hotline.registry_case (id, reference, status, sex, age, place, exploitation_types, form_version,
  merged_into, created_at, updated_at)
select md5('bench-case-' || g)::uuid, 'C-' || to_char(ts, 'YYYY') || '-' || lpad(g::text, greatest(7, length(g::text)), '0'),
  case when g % 100 = 0 and g > 1 then 'CLOSED'
       else (array['POTENTIAL','UNDER_ASSESSMENT','CONFIRMED_VICTIM','NOT_A_VICTIM','REFERRED','CLOSED'])[1 + g % 6] end,
  case when r1 < 0.55 then 'FEMALE' when r1 < 0.90 then 'MALE' when r1 < 0.91 then 'TRANSGENDER_FEMALE'
       when r1 < 0.92 then 'TRANSGENDER_MALE' when r1 < 0.95 then 'UNKNOWN' end,
  case when r2 < 0.9 then (3 + floor(r2 * 70))::smallint end,
  case when r3 < 0.95 then (array['Kingston','St. Andrew','St. Thomas','Portland','St. Mary','St. Ann','Trelawny',
    'St. James','Hanover','Westmoreland','St. Elizabeth','Manchester','Clarendon','St. Catherine'])[1 + floor(r3 / 0.95 * 14)::int] end,
  case when r4 < 0.05 then '{}'::text[]
       when r4 < 0.35 then array[types[1 + t], types[1 + (t + 1 + g % 9) % 10]]
       else array[types[1 + t]] end,
  1,
  case when g % 100 = 0 and g > 1 then md5('bench-case-' || (g - 1))::uuid end,
  ts, ts
from (select g, random() r1, random() r2, random() r3, random() r4, floor(random() * 10)::int t,
        array['SEXUAL_EXPLOITATION','PORNOGRAPHY','ONLINE_SEXUAL_EXPLOITATION','LABOUR','DOMESTIC_LABOUR',
              'FORCED_MARRIAGE','CHILD_LABOUR','BEGGING','STREET_SELLING','OTHER'] types,
        timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => (g - 1) * (157766400.0 / $CASES)) ts
      from generate_series(1, $CASES) g) s;
-- Calls: one a minute back from now, masked numbers and random keyed hashes (200,000 fake callers, so repeat
-- callers exist); the three real calls above are the only ones with their hash.
insert into hotline.call (id, provider, provider_call_id, caller_hash, caller_mask, dialled_number, arrived_at, state,
  language, urgent, caller_type, queued_at, answered_at, ended_at, operator_id, outcome, last_seq)
select gen_random_uuid(), 'sim', 'BENCH-' || g, sha256(('bench-caller-' || g % 200000)::bytea),
  '•••• ' || lpad((g % 100)::text, 2, '0'), 'HOTLINE',
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
SQL
# As autovacuum would have done on a table that grew over years: statistics and the visibility map.
"${PSQL[@]}" -c 'vacuum (analyze) hotline.registry_case, hotline.call, hotline.call_event'
echo "filled in $(( $(date +%s) - START )) s: $("${PSQL[@]}" -tA -c "select (select count(*) from hotline.registry_case) || ' cases, ' || (select count(*) from hotline.call) || ' calls, ' || (select count(*) from hotline.call_event) || ' call events'")"

HASH=$("${PSQL[@]}" -tA -c "select encode(caller_hash, 'hex') from hotline.call where provider_call_id not like 'BENCH-%' and caller_hash is not null limit 1")
QUARTER_WHERE="merged_into is null and created_at >= make_date($YEAR, 3 * $QUARTER - 2, 1) and created_at < make_date($YEAR, 3 * $QUARTER - 2, 1) + interval '3 months'"
echo "--- plans (EXPLAIN ANALYZE), the statistics' two queries and the search by caller:"
"${PSQL[@]}" -c "set time zone 'UTC'" -c "explain (analyze, buffers, costs off) select sex, age, place, count(*) from hotline.registry_case where $QUARTER_WHERE group by sex, age, place" \
  -c "explain (analyze, buffers, costs off) select sex, t.type, count(*) from hotline.registry_case, unnest(case when cardinality(exploitation_types) = 0 then array['NONE_RECORDED'] else exploitation_types end) as t(type) where $QUARTER_WHERE group by sex, t.type" \
  -c "explain (analyze, buffers, costs off) select id from hotline.call where caller_hash = decode('$HASH', 'hex') order by arrived_at desc, id desc limit 51" \
  | grep -E 'Scan|Execution Time|Planning Time|Sort Method|Aggregate' | sed 's/^ */  /'
echo "---"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {   # label, cookie jar, path (with the query already encoded)
  local label=$1 jar=$2 url=$3 code
  code=$(curl -s -b "$jar" -o "$DATA/last" -w '%{http_code}' "localhost:$PORT$url")
  test "$code" = 200 || { echo "$label: HTTP $code: $(head -c 300 "$DATA/last")"; exit 1; }
  for i in $(seq 1 30); do curl -s -b "$jar" -o /dev/null "localhost:$PORT$url"; done   # warm-up, not counted
  for i in $(seq 1 20); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "localhost:$PORT$url"; done \
    | awk '{printf "%.1f\n", $1 * 1000}' | median
}
ENCODED=$(printf %s "$CALLER" | sed 's/+/%2B/g;s/ /%20/g')
FLOOR=$(measure floor "$SUPERVISOR" "/api/me")
PAGE=$(measure page "$SUPERVISOR" "/api/calllog?limit=50")
SEARCH=$(measure search "$SUPERVISOR" "/api/calllog?limit=50&caller=$ENCODED")
FOUND=$(grep -o '"callerMask"' "$DATA/last" | wc -l)
STATS=$(measure statistics "$MANAGER" "/api/statistics/quarterly?year=$YEAR&quarter=$QUARTER")
COUNTED=$(grep -o '"cases":[0-9a-z"]*' "$DATA/last")
ratio() { awk -v a="$1" -v b="$FLOOR" 'BEGIN {printf "x%.1f", a / b}'; }
printf "%-48s median %8s ms\n" "floor: GET /api/me" "$FLOOR"
printf "%-48s median %8s ms  %s\n" "call log, first page (50 rows)" "$PAGE" "$(ratio "$PAGE")"
printf "%-48s median %8s ms  %s (%s calls found)\n" "call log, search by caller number" "$SEARCH" "$(ratio "$SEARCH")" "$FOUND"
printf "%-48s median %8s ms  %s (%s)\n" "statistics, $YEAR-Q$QUARTER" "$STATS" "$(ratio "$STATS")" "$COUNTED"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
test "$FOUND" = 3 || { echo "FAIL: the search by caller number found $FOUND calls, not 3"; exit 1; }
if awk -v p="$PAGE" -v s="$SEARCH" -v t="$STATS" -v P=$PAGE_MS -v S=$SEARCH_MS -v T=$STATISTICS_MS \
    'BEGIN {exit !(p < P && s < S && t < T)}'; then
  echo "PASS: call log page ${PAGE} ms < ${PAGE_MS}, search ${SEARCH} ms < ${SEARCH_MS}, statistics ${STATS} ms < ${STATISTICS_MS}"
else
  echo "FAIL: targets are call log page < ${PAGE_MS} ms, search < ${SEARCH_MS} ms, statistics < ${STATISTICS_MS} ms"
  exit 1
fi
