#!/usr/bin/env bash
# watchdog.sh PID LOG SECONDS: while PID runs, if LOG has not grown for
# SECONDS, print the last test started, the process tree under PID and every
# thread's stack of each process in it (gdb, when installed), then stop the
# tree (TERM, then KILL). Used by scripts/test.sh.
set -u
pid="$1" log="$2" silence="$3"
descendants() {
    local p
    for p in $(pgrep -P "$1" 2>/dev/null); do
        echo "$p"
        descendants "$p"
    done
}
last_size=-1
last_change="$(date +%s)"
while kill -0 "$pid" 2>/dev/null; do
    sleep 10
    size="$(stat -c %s "$log" 2>/dev/null || echo 0)"
    now="$(date +%s)"
    if [ "$size" != "$last_size" ]; then
        last_size="$size" last_change="$now"
        continue
    fi
    [ $((now - last_change)) -lt "$silence" ] && continue
    echo "== watchdog: no test output for $silence s; the test that hangs:"
    grep -E "^Test Case '.*' started" "$log" | tail -1
    echo "== watchdog: processes"
    ps -o pid,ppid,stat,etime,args --forest -g "$(ps -o sid= -p "$pid" | tr -d ' ')" 2>/dev/null || ps -ef --forest
    tree="$(descendants "$pid")"
    for p in $tree; do
        echo "== watchdog: stacks of $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-200)"
        if command -v gdb >/dev/null; then
            timeout 60 gdb -batch -p "$p" -ex "thread apply all bt" 2>&1 | grep -E "^(Thread|#)" | cut -c1-240 | head -400
        else
            cat "/proc/$p/stack" 2>/dev/null
        fi
    done
    echo "== watchdog: stopping the tests"
    # shellcheck disable=SC2086
    kill -TERM $tree "$pid" 2>/dev/null
    sleep 10
    # shellcheck disable=SC2086
    kill -KILL $tree "$pid" 2>/dev/null
    exit 1
done
