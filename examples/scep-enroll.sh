#!/usr/bin/env bash
# Getting a certificate from a SCEP CA with `ssl3 enroll` (docs/library.md, "SCEP
# enrollment"), here from micromdm's scepserver (Debian package scep) started on loopback.
# The CA certificate is trusted only because it is the file the CA's operator handed over
# (--ca; --ca-fingerprint FP does the same with a fingerprint read out of band). The key,
# the certificate and the CA certificate land in the directory given (default ./enrolled).
#
# Run: bash examples/scep-enroll.sh [DIR]   (PORT picks the CA's port, default 8080;
#      SSL3 the command, default `npx ssl3`)
set -euo pipefail
ssl3=${SSL3:-npx ssl3}
port=${PORT:-8080}
dir=${1:-enrolled}
mkdir -p "$dir" && cd "$dir"

# The CA: a new depot, then the server, which issues to whoever knows the challenge.
scepserver ca -init -depot depot -keySize 2048 -organization 'Demo SCEP CA'
scepserver -depot depot -port "$port" -challenge s3cret -allowrenew 0 > scepserver.log 2>&1 &
ca=$!
trap 'kill $ca 2>/dev/null' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

$ssl3 enroll --url "http://127.0.0.1:$port/scep" --challenge s3cret --ca depot/ca.pem \
  --new-key device.key --out device.pem --ca-out ca.pem --dns device.example --ip 127.0.0.1
$ssl3 x509 device.pem
