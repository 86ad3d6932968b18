#!/usr/bin/env bash
# ssl3 probe (docs/probe.md): two ssl3 serve with different suites in different orders, one
# probed as a table, then both as a fleet, one JSON line each. Everything lands in the
# directory given (default ./probe).
#
# Run: bash examples/probe.sh [DIR]   (PORT and PORT2 pick the ports, default 4433 and 4434;
#      SSL3 the command, default `npx ssl3`)
set -euo pipefail
ssl3=${SSL3:-npx ssl3}
port=${PORT:-4433}
port2=${PORT2:-4434}
dir=${1:-probe}
mkdir -p "$dir" && cd "$dir"

# Two servers with one key (1024 bits is quick for an example; give a real server 2048).
$ssl3 keygen --bits 1024 --out server.key --force
$ssl3 selfsign --key server.key --host localhost --ip 127.0.0.1 --out server.pem --force
$ssl3 serve --port "$port" --bind 127.0.0.1 --key server.key --cert server.pem \
  --ciphers rc4-128-sha,aes-128-cbc-sha,3des-ede-cbc-sha > a.log &
a=$!
$ssl3 serve --port "$port2" --bind 127.0.0.1 --key server.key --cert server.pem \
  --ciphers aes-256-cbc-sha,rc4-128-md5 > b.log &
b=$!
trap 'kill $a $b 2>/dev/null' EXIT
for log in a.log b.log; do
  for _ in $(seq 100); do grep -q 'serving HTTPS' $log && break; sleep 0.1; done
done

# One server: the inventory as a table.
$ssl3 probe "127.0.0.1:$port"

# A fleet: one HOST:PORT a line; one JSON line per target as each ends (a progress line
# goes to standard error when it is a terminal). Here, each target's suites in its order.
printf '# our two servers\n127.0.0.1:%s\n127.0.0.1:%s\n' "$port" "$port2" > fleet.txt
$ssl3 probe --targets fleet.txt --concurrency 2 > fleet.jsonl
grep -o '"target":"[^"]*"\|"suites":\[[^]]*\]' fleet.jsonl | paste -d ' ' - - | sort
