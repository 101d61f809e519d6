#!/usr/bin/env bash
# End-to-end load test on loopback (issue 5): requests/s of /protected (`#[jwt_required]`) with a
# valid token against the same server's unprotected twin route, and against the same route
# verified by `jsonwebtoken` by hand and by the primitives alone (benches/examples/basic_bench.rs,
# package jwt-extended-benches), all in one run; then the Flask twin (flask-jwt-extended 4.7 under
# gunicorn) for reference.
#
#   scripts/load.sh                       # wrk (apt-get install wrk); ~2.5 min
#   DURATION=3 ROUNDS=12 CONNS=64 scripts/load.sh
#   FLASK=0 scripts/load.sh               # skip the Flask twin (else one FLASK_DURATION=10 s run)
#   PIN=0 scripts/load.sh                 # do not pin server and wrk to separate cores
#
# By default (PIN=1, on 2+ cores) the server runs on core 0 with one tokio worker and wrk on
# core 1 (taskset), so the two never compete for a core and requests/s is the server's own
# per-request cost; unpinned, wrk and the server share both cores and rounds scatter by ±25 %.
#
# Needs: wrk; for the twin, python3 with `pip install 'flask-jwt-extended==4.7.*' gunicorn`.
# Each round runs every route once, starting one route later each round, so all meet the same
# background load; short rounds (DURATION=1) follow the VM's speed changes most closely. Only 127.0.0.1
# is ever targeted, and every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-5091}"
FLASK_PORT="${FLASK_PORT:-5092}"
DURATION="${DURATION:-1}"
CONNS="${CONNS:-32}"
THREADS="${THREADS:-1}"
ROUNDS="${ROUNDS:-30}"
[[ "$ROUNDS" -ge 1 ]] || { echo "ROUNDS must be at least 1" >&2; exit 1; }
FLASK="${FLASK:-1}"
FLASK_WORKERS="${FLASK_WORKERS:-2}"
FLASK_DURATION="${FLASK_DURATION:-10}"
PIN="${PIN:-1}"
TWIN="${FLASK_TWIN:-../shared/conformance/flask_twin.py}"
target="${CARGO_TARGET_DIR:-target}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
server_cmd=(); wrk_cmd=(wrk)
if [[ "$PIN" == 1 && $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
    server_cmd=(env TOKIO_WORKER_THREADS=1 taskset -c 0)
    wrk_cmd=(taskset -c 1 wrk)
fi

pids=()
cleanup() { for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Fails when something already answers on the port (another app would be measured instead).
free_port() {
    if curl -s -o /dev/null "http://127.0.0.1:$1/"; then
        echo "port $1 is already in use; set PORT/FLASK_PORT" >&2
        return 1
    fi
}

wait_port() {
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

login() {
    curl -s -X POST -H 'Content-Type: application/json' \
        -d '{"username":"test","password":"test"}' "http://127.0.0.1:$1/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# CPU time the server process has used so far, in clock ticks: "user system".
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# One wrk run: prints "requests/s server-CPU-µs-per-request server-user-CPU-µs-per-request";
# refuses any non-2xx answer. The CPU figures count only the server's own time (user + system,
# and user alone: verification is user-space work, the kernel's networking is the same for every
# route), so they hold when wrk and other processes compete for the cores.
rps() {
    local out before after requests
    before=$(cpu_ticks "$server")
    out=$("${wrk_cmd[@]}" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$@")
    after=$(cpu_ticks "$server")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "non-2xx answers: $out" >&2
        return 1
    fi
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    awk -v r="$requests" -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {split(b, x, " "); split(a, y, " ")}
         /Requests\/sec/ {printf "%s %.2f %.2f\n", $2, (y[1] + y[2] - x[1] - x[2]) / hz * 1e6 / r,
                          (y[1] - x[1]) / hz * 1e6 / r}' <<<"$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(rustc --version); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p jwt-extended-benches --example basic_bench 2>&1 | tail -1
free_port "$PORT"
PORT="$PORT" "${server_cmd[@]}" "$target/release/examples/basic_bench" 2>/dev/null &
server=$!
pids+=("$server")
wait_port "$PORT"
token=$(login "$PORT")
for route in protected jsonwebtoken floor; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/$route") == 200 ]]
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/$route") == 401 ]]
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/unprotected") == 200 ]]

echo "wrk -t$THREADS -c$CONNS -d${DURATION}s, $ROUNDS rounds, routes in rotating order; pinned: $([[ ${#server_cmd[@]} -gt 0 ]] && echo "server on core 0 (1 tokio worker), wrk on core 1" || echo no)"
# Every route gets the same request, Authorization header included, so that only the
# verification differs; each round runs all four, starting one later each round.
routes=(unprotected protected jsonwebtoken floor)
declare -A rps_of cpu_of user_of loss_of
for r in $(seq 1 "$ROUNDS"); do
    declare -A this=()
    line="  round $r:"
    for i in 0 1 2 3; do
        route=${routes[$(( (i + r - 1) % 4 ))]}
        read -r v c u < <(rps -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/$route")
        this[$route]=$v
        rps_of[$route]+="$v "; cpu_of[$route]+="$c "; user_of[$route]+="$u "
        line+=" /$route $v req/s ($c µs CPU/req, $u user);"
    done
    for route in protected jsonwebtoken floor; do
        loss_of[$route]+="$(python3 -c "print(f'{(1 - ${this[$route]} / ${this[unprotected]}) * 100:.2f}')") "
    done
    echo "$line"
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "| server | route | requests/s (median of $ROUNDS) | server CPU µs/request (median) | of which user | loss vs /unprotected (median of rounds) |"
echo "|---|---|---:|---:|---:|---:|"
for route in "${routes[@]}"; do
    loss="—"
    [[ $route != unprotected ]] && loss="$(med "${loss_of[$route]}") %"
    echo "| jwt-extended (axum, examples/basic_bench) | /$route | $(med "${rps_of[$route]}") | $(med "${cpu_of[$route]}") | $(med "${user_of[$route]}") | $loss |"
done

if [[ "$FLASK" == 1 ]]; then
    if [[ -f "$TWIN" ]] && python3 -c 'import flask_jwt_extended, gunicorn' 2>/dev/null; then
        free_port "$FLASK_PORT"
        (cd "$(dirname "$TWIN")" && exec python3 -m gunicorn -w "$FLASK_WORKERS" -b "127.0.0.1:$FLASK_PORT" \
            --log-level warning "$(basename "$TWIN" .py):app") &
        pids+=($!)
        wait_port "$FLASK_PORT"
        ftoken=$(login "$FLASK_PORT")
        out=$(wrk -t"$THREADS" -c"$CONNS" -d"${FLASK_DURATION}s" -H "Authorization: Bearer $ftoken" \
            "http://127.0.0.1:$FLASK_PORT/protected")
        grep -q "Non-2xx" <<<"$out" && { echo "Flask twin: non-2xx answers" >&2; exit 1; }
        f=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        echo "| Flask twin (flask-jwt-extended 4.7, gunicorn -w $FLASK_WORKERS) | /protected (valid token) | $f | | | |"
    else
        echo "(Flask twin skipped: $TWIN or flask-jwt-extended/gunicorn missing)"
    fi
fi
echo
echo "#[jwt_required] costs $(med "${loss_of[protected]}") % of requests/s (goal: <= 10 %); jsonwebtoken by hand $(med "${loss_of[jsonwebtoken]}") %; the primitives alone $(med "${loss_of[floor]}") %"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
