#!/usr/bin/env bash
# Start-up of the default run (issue 7): the README's start command on a fresh clone of this commit, timed until
# the console answers, RUNS times (default 3); prints each time and the median. Each run clones into a fresh
# temporary directory (so the first compile and the jOOQ generation are counted, as for a newcomer), starts
# `./mvnw spring-boot:run -Dmaven.test.skip=true`, polls http://127.0.0.1:$PORT/login, stops the application and
# removes the clone. Dependencies come from ~/.m2 (offline): the download a newcomer waits for is not counted.
# Usage: ops/bench/startup.sh [runs]     (needs JAVA_HOME >= 21, git, curl; port 8080 free, or PORT=...)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
PORT=${PORT:-8080}
: "${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}"
REPO=$(pwd)
CLONE=
APP=
cleanup() {
  if [ -n "$APP" ]; then
    kill -- -"$APP" 2>/dev/null || true
    wait "$APP" 2>/dev/null || true
    APP=
  fi
  if [ -n "$CLONE" ]; then
    rm -rf "$CLONE"
    CLONE=
  fi
}
trap cleanup EXIT

times=()
for run in $(seq 1 "$RUNS"); do
  CLONE=$(mktemp -d)
  git clone -q "$REPO" "$CLONE/tree"
  started=$(date +%s.%N)
  # A process group of its own, so that stopping it stops Maven's forked application and its PostgreSQL too.
  (cd "$CLONE/tree" && PORT=$PORT exec setsid ./mvnw -q -B -o spring-boot:run -Dmaven.test.skip=true \
    > "$CLONE/app.log" 2>&1) &
  APP=$!
  answered=
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; then
      answered=$(date +%s.%N)
      break
    fi
    kill -0 "$APP" 2>/dev/null || break
    sleep 0.25
  done
  if [ -z "$answered" ]; then
    echo "run $run: the console never answered; the log's end:"
    tail -20 "$CLONE/app.log"
    exit 1
  fi
  seconds=$(echo "$answered - $started" | bc)
  times+=("$seconds")
  printf 'run %d: the console answered after %.1f s (%s)\n' "$run" "$seconds" \
    "$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$CLONE/app.log" | head -1)"
  cleanup
  sleep 2
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
printf 'start-up of the default run, median of %d: %.1f s\n' "$RUNS" "$median"
