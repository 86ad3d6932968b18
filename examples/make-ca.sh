#!/usr/bin/env bash
# A small CA made with OpenSSL for the revocation example (docs/library.md, "Revocation"):
# the CA, a server certificate, two client certificates (alice's stays good, mallory's is
# revoked) and the CA's CRL, all in the directory given (default ./demo-ca).
#
# Run: bash examples/make-ca.sh demo-ca
set -euo pipefail
dir=${1:-demo-ca}
mkdir -p "$dir/db" && cd "$dir"
: > db/index.txt && echo 1000 > db/serial && echo 1000 > db/crlnumber

# What `openssl ca` needs to keep track of what it issued and revoked.
cat > ca.cnf <<'CNF'
[ca]
default_ca = demo
[demo]
database = db/index.txt
serial = db/serial
crlnumber = db/crlnumber
new_certs_dir = db
default_md = sha256
default_days = 30
default_crl_days = 7
policy = any
[any]
commonName = supplied
[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
CNF

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj '/CN=Demo CA' 2>/dev/null
issue() { # NAME EXTENSIONS
  openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -extensions "$2" -in "$1.csr" -out "$1.pem" 2>/dev/null
}
issue localhost server
issue alice client
issue mallory client
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -revoke mallory.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl -out crl.pem 2>/dev/null
echo "made $dir: ca.pem, localhost.pem (server), alice.pem, mallory.pem (revoked), crl.pem"
