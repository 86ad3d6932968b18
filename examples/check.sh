#!/usr/bin/env bash
# ssl3 check both ways (docs/check.md): some of the server checks against ssl3 serve, then
# some of the client checks against ssl3 get, each as a table and as JUnit XML for a CI
# pipeline. Everything lands in the directory given (default ./check).
#
# Run: bash examples/check.sh [DIR]   (PORT and PORT2 pick the ports, default 4433 and 4434;
#      SSL3 the command, default `npx ssl3`)
set -euo pipefail
ssl3=${SSL3:-npx ssl3}
port=${PORT:-4433}
port2=${PORT2:-4434}
dir=${1:-check}
mkdir -p "$dir" && cd "$dir"

# The server under test (a 1024-bit key is quick for an example; give a real server 2048).
$ssl3 keygen --bits 1024 --out server.key --force
$ssl3 selfsign --key server.key --host localhost --ip 127.0.0.1 --out server.pem --force
$ssl3 serve --port "$port" --bind 127.0.0.1 --key server.key --cert server.pem > serve.log &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q 'serving HTTPS' serve.log && break; sleep 0.1; done

# Server conformance: exit status 1 when a check failed, which would stop this script.
$ssl3 check "127.0.0.1:$port" --only 'handshake-rc4-*,ccs-injection,finished-wrong,bleichenbacher' --junit server.xml

# Client conformance: check --listen plays a broken server to each client that connects, one
# check per connection, so the client under test (ssl3 get, trusting the test CA written to
# ca.pem) runs once per check. Its own exit status does not matter: the checks judge it.
$ssl3 check --listen "127.0.0.1:$port2" --ca-out ca.pem --key server.key \
  --only 'baseline,untrusted-certificate,ccs-early,bad-mac-data' --junit client.xml > client.txt &
checks=$!
for _ in $(seq 300); do grep -q 'checks of an SSL 3.0 client' client.txt && break; sleep 0.1; done
for _ in 1 2 3 4; do $ssl3 get --ca ca.pem "https://127.0.0.1:$port2/" > /dev/null 2>&1 || true; done
wait $checks
cat client.txt
