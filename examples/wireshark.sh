#!/usr/bin/env bash
# Seeing an SSL 3.0 connection in Wireshark/tshark (docs/wireshark.md): ssl3 serve on
# loopback, ssl3 get writing the key log and the capture itself (no root, no capture tool),
# then tshark decrypting the capture with the key log. Everything lands in the directory
# given (default ./capture): keys.txt (secrets!), cap.pcap, page.html.
#
# Run: bash examples/wireshark.sh [DIR]   (PORT picks the port, default 4433;
#      SSL3 the command, default `npx ssl3`)
set -euo pipefail
ssl3=${SSL3:-npx ssl3}
port=${PORT:-4433}
dir=${1:-capture}
mkdir -p "$dir" && cd "$dir"

$ssl3 keygen --bits 2048 --out server.key --force
$ssl3 selfsign --key server.key --host localhost --ip 127.0.0.1 --out server.pem --force
$ssl3 serve --port "$port" --bind 127.0.0.1 --key server.key --cert server.pem > serve.log &
server=$!
trap 'kill $server 2>/dev/null' EXIT
# serve prints one line once it listens, with the certificate's SHA-256 fingerprint.
for _ in $(seq 100); do grep -q 'serving HTTPS' serve.log && break; sleep 0.1; done
fp=$(sed -n 's/.*certificate SHA-256 \([0-9A-F:]*\).*/\1/p' serve.log)

$ssl3 get --pin "$fp" --keylog keys.txt --pcap cap.pcap "https://127.0.0.1:$port/" > page.html

# Port 4433 is not one tshark knows for SSL or HTTP: -d tells it both (without the second,
# a request sent as 1/n-1 records, the BEAST countermeasure, shows as bare data). The key log
# decrypts the records.
tshark -r cap.pcap -d "tcp.port==$port,tls" -d "tls.port==$port,http" -o tls.keylog_file:keys.txt -Y http
tshark -r cap.pcap -d "tcp.port==$port,tls" -d "tls.port==$port,http" -o tls.keylog_file:keys.txt -Y http.response \
  -T fields -e tls.record.version -e http.response.code -e http.content_type
