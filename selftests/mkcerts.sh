#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkcerts.sh DIR - make (once) the TLS certificates of the selftests in DIR.
#
# A root CA, an intermediate CA and a server certificate, all RSA
# ($PMTUFIX_CERT_BITS, default 4096 bits), like a Kubernetes API server's chain:
#   DIR/server.key  DIR/server.pem   the server's key and certificate
#   DIR/chain.pem                    intermediate + root, sent after server.pem
#   DIR/ca.pem                       the root
#   DIR/size                         bytes (DER) of everything the server sends
# The server sends well over 4 KiB of certificates, so its first flight never
# fits a 1500-byte path.
#
# If DIR already holds a complete set, nothing is done. Otherwise the set is
# built in a temporary directory next to DIR and renamed into place, so
# concurrent runs never see half a set. Nothing here is ever committed: DIR is
# a cache (a temp dir by default, see topo.sh).
#
# Key generation is slow in an emulated guest: make the set on the host and
# pass its path in PMTUFIX_CERT_DIR.

set -e
dir=${1:?usage: mkcerts.sh DIR}
bits=${PMTUFIX_CERT_BITS:-4096}
min_size=4096

[[ -s $dir/size ]] && exit 0
mkdir -p "$(dirname "$dir")"
tmp=$(mktemp -d "$dir.new.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
cd "$tmp"

cat >ext.cnf <<'EOF'
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:control-plane, DNS:control-plane.pmtufix.test, IP:10.10.10.10, IP:172.20.20.10, IP:10.96.0.1, IP:127.0.0.1
EOF

key()
{
	openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" \
		-out "$1.key" 2>/dev/null ||
	openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" \
		-out "$1.key" 2>/dev/null
}

# sign NAME SUBJECT ISSUER EXT_SECTION
sign()
{
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
		-CAcreateserial -days 3650 -sha256 -extfile ext.cnf \
		-extensions "$4" -out "$1.pem" 2>/dev/null
}

key ca
openssl req -new -key ca.key -subj "/O=pmtufix selftests/CN=pmtufix test root CA" -out ca.csr
openssl x509 -req -in ca.csr -signkey ca.key -days 3650 -sha256 \
	-extfile ext.cnf -extensions root -out ca.pem 2>/dev/null
key int
sign int "/O=pmtufix selftests/CN=pmtufix test intermediate CA" ca ca
key server
sign server "/O=pmtufix selftests/CN=kube-apiserver" int server

openssl verify -CAfile ca.pem -untrusted int.pem server.pem >/dev/null
cat int.pem ca.pem >chain.pem
size=0
for c in server int ca; do
	size=$((size + $(openssl x509 -in "$c.pem" -outform DER | wc -c)))
done
if ((size < min_size)); then
	echo "mkcerts.sh: certificates are only $size bytes (< $min_size)" >&2
	exit 1
fi
echo "$size" >size
rm -f ./*.csr ./*.srl ext.cnf int.key ca.key

cd /
if ! mv -T "$tmp" "$dir" 2>/dev/null; then
	# Someone else finished first?
	[[ -s $dir/size ]] && exit 0
	echo "mkcerts.sh: cannot create $dir" >&2
	exit 1
fi
trap - EXIT
