#!/usr/bin/env bash
# A SoftHSM2 configuration of its own for one test (used by the `podpis
# doctor` tests): a token holding only the bench PKI objects the test names,
# so that the bench's own tokens (which hold faulty certificates on purpose)
# stay untouched and out of sight.
#
#   doctor-token.sh DIR LABEL PIN [OBJECT...]
#
# Writes DIR/softhsm2.conf and DIR/tokens/, creates token LABEL (user PIN
# PIN, SO PIN 123456) and imports each OBJECT (a name of
# $STATE/pki/objects.tsv: person-ec, seal, expired, no-nonrep, ...) as
# private key, certificate and public key with the bench's CKA_ID and label.
# OBJECT may also be NAME:cert (certificate only, no key). Prints the path of
# the configuration: SOFTHSM2_CONF=<it> shows only this token.
set -euo pipefail
TB_NAME=doctor-token.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 3 ] || usage
dir="$1" label="$2" pin="$3"; shift 3
need_cmd softhsm2-util pkcs11-tool openssl
[ -f "$PKI_DIR/objects.tsv" ] || die "no $PKI_DIR/objects.tsv: run testbed/up.sh first"
module="$(softhsm_module)"

mkdir -p "$dir/tokens" "$dir/import"
conf="$(cd "$dir" && pwd)/softhsm2.conf"
cat > "$conf" <<EOF
# A test's own SoftHSM2 configuration (testbed/doctor-token.sh)
directories.tokendir = $(cd "$dir/tokens" && pwd)
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$conf"
softhsm2-util --init-token --free --label "$label" --so-pin 123456 --pin "$pin" >/dev/null \
    || die "softhsm2-util could not create token '$label'"

p11() {
    local out
    if ! out="$(pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin" "$@" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "pkcs11-tool failed on token '$label': $*"
    fi
}

for object in "$@"; do
    name="${object%%:*}" only=""
    [ "$object" = "$name" ] || only="${object#*:}"
    line="$(awk -F'\t' -v n="$name" '$1 == n' "$PKI_DIR/objects.tsv")"
    [ -n "$line" ] || die "no object '$name' in $PKI_DIR/objects.tsv"
    id="$(cut -f3 <<< "$line")" text="$(cut -f4 <<< "$line")"
    if [ "$only" != cert ]; then
        openssl pkcs8 -topk8 -nocrypt -in "$PKI_DIR/$name.key" -outform DER -out "$dir/import/$name.key.der" 2>/dev/null
        openssl pkey -pubin -in "$PKI_DIR/$name.pub.pem" -outform DER -out "$dir/import/$name.pub.der" 2>/dev/null
        p11 --write-object "$dir/import/$name.key.der" --type privkey --id "$id" --label "$text" --usage-sign --sensitive --private
        p11 --write-object "$dir/import/$name.pub.der" --type pubkey --id "$id" --label "$text" --usage-sign
    fi
    p11 --write-object "$PKI_DIR/$name.der" --type cert --id "$id" --label "$text"
done
rm -rf "$dir/import"
printf '%s\n' "$conf"
