#!/bin/sh
# usage: replays/redis-2023/record.sh NAME PORT CLIENT-COMMAND...
# Run from the repository root. Starts the recording proxy on 127.0.0.1:PORT in front of Redis at
# 127.0.0.1:6379 with latency:300ms@15% (seed 2023), runs the client command, stores its stdout as
# replays/redis-2023/NAME.client.txt, then stops the proxy with SIGTERM and waits for it to exit.
set -e
name=$1; port=$2; shift 2
dir=replays/redis-2023
node dist/cli.js record --listen 127.0.0.1:$port --target 127.0.0.1:6379 \
  --out $dir/$name.transcript.jsonl --fault latency:300ms@15% --seed 2023 --duration 60s &
rec=$!
sleep 1
"$@" > $dir/$name.client.txt
kill -TERM $rec
wait $rec || true
