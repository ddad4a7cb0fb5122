#!/usr/bin/env bash
# SoftHSM2 tokens of the Podpis test bench, from the test PKI (pki.sh generate
# first). Private config $STATE/softhsm2.conf, tokens in $STATE/softhsm/tokens:
#   "Podpis Signer"  user PIN 1234, SO PIN 123456: person-rsa (01, the key has
#                    CKA_ALWAYS_AUTHENTICATE), person-ec (02), person-pss (03),
#                    expired (04), no-nonrep (05)
#   "Podpis Seal"    user PIN 5678, SO PIN 123456: seal (01)
# Each: private key (sensitive, sign), certificate and public key, same CKA_ID
# and label (see $STATE/pki/objects.tsv).
#
#   softhsm.sh setup    (re)creates both tokens from scratch
#   softhsm.sh list     lists the objects of both tokens
set -euo pipefail
TB_NAME=softhsm.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: $0 setup|list" >&2; exit 2; }

MODULE="$(softhsm_module)"

token_pin() {
    case "$1" in
        "$SIGNER_TOKEN") echo "$SIGNER_PIN" ;;
        "$SEAL_TOKEN") echo "$SEAL_PIN" ;;
        *) die "unknown token $1" ;;
    esac
}

p11() {  # p11 TOKEN ARGS...: pkcs11-tool on SoftHSM, logged in to TOKEN, quiet unless it fails
    local token="$1" out; shift
    if ! out="$(pkcs11-tool --module "$MODULE" --token-label "$token" --login --pin "$(token_pin "$token")" "$@" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "pkcs11-tool failed on token '$token': $*"
    fi
}

do_setup() {
    need_cmd softhsm2-util pkcs11-tool openssl
    [ -f "$PKI_DIR/objects.tsv" ] || die "no $PKI_DIR/objects.tsv: run testbed/pki.sh generate first"
    ensure_state_dirs
    rm -rf "$STATE/softhsm"
    mkdir -p "$SOFTHSM_TOKENDIR"
    cat > "$SOFTHSM_CONF" <<EOF
# Podpis test bench: private SoftHSM2 configuration (export SOFTHSM2_CONF=$SOFTHSM_CONF)
directories.tokendir = $SOFTHSM_TOKENDIR
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF

    local t
    for t in "$SIGNER_TOKEN" "$SEAL_TOKEN"; do
        softhsm2-util --init-token --free --label "$t" --so-pin "$SO_PIN" --pin "$(token_pin "$t")" >/dev/null \
            || die "softhsm2-util could not create token '$t'"
    done

    local tmp
    tmp="$(mktemp -d "$STATE/softhsm/import.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    local name token id label ktype aa _cert always note
    while IFS=$'\t' read -r name token id label ktype aa _cert; do
        [ "$name" = name ] && continue
        openssl pkcs8 -topk8 -nocrypt -in "$PKI_DIR/$name.key" -outform DER -out "$tmp/$name.key.der" 2>/dev/null \
            || die "cannot convert $PKI_DIR/$name.key to DER"
        openssl pkey -pubin -in "$PKI_DIR/$name.pub.pem" -outform DER -out "$tmp/$name.pub.der" 2>/dev/null \
            || die "cannot convert $PKI_DIR/$name.pub.pem to DER"
        always=()
        note=""
        if [ "$aa" = yes ]; then always=(--always-auth); note=", CKA_ALWAYS_AUTHENTICATE"; fi
        log "$token: $id \"$label\" ($ktype$note)"
        p11 "$token" --write-object "$tmp/$name.key.der" --type privkey --id "$id" --label "$label" \
            --usage-sign --sensitive --private "${always[@]}"
        p11 "$token" --write-object "$PKI_DIR/$name.der" --type cert --id "$id" --label "$label"
        p11 "$token" --write-object "$tmp/$name.pub.der" --type pubkey --id "$id" --label "$label" --usage-sign
    done < "$PKI_DIR/objects.tsv"
    rm -rf "$tmp"
    trap - EXIT

    # The always-authenticate key must really have the attribute.
    local listing
    listing="$(pkcs11-tool --module "$MODULE" --token-label "$SIGNER_TOKEN" --login --pin "$SIGNER_PIN" \
        --list-objects --type privkey --id 01 2>/dev/null)" || die "cannot list the keys of '$SIGNER_TOKEN'"
    grep -q 'always authenticate' <<< "$listing" \
        || { printf '%s\n' "$listing" >&2; die "key 01 of '$SIGNER_TOKEN' lacks CKA_ALWAYS_AUTHENTICATE"; }
    log "tokens ready: '$SIGNER_TOKEN' (PIN $SIGNER_PIN), '$SEAL_TOKEN' (PIN $SEAL_PIN), config $SOFTHSM_CONF"
}

do_list() {
    [ -f "$SOFTHSM_CONF" ] || die "no $SOFTHSM_CONF: run testbed/up.sh"
    local t
    for t in "$SIGNER_TOKEN" "$SEAL_TOKEN"; do
        echo "== $t"
        pkcs11-tool --module "$MODULE" --token-label "$t" --login --pin "$(token_pin "$t")" --list-objects
    done
}

[ $# -eq 1 ] || usage
case "$1" in
    setup) do_setup ;;
    list) do_list ;;
    *) usage ;;
esac
