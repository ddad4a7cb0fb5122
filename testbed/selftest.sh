#!/usr/bin/env bash
# Checks that the test bench works (run after up.sh; leaves it up, as found):
# readers and cards, OpenSC and SoftHSM tokens, signatures verified by
# openssl, card removal/insertion, pcscd restart, scripted and mute cards.
# Prints one line per check and "N passed, N failed"; exits 1 on any failure.
set -euo pipefail
TB_NAME=selftest
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -f "$ENV_FILE" ] || die "no $ENV_FILE: run testbed/up.sh first"
# shellcheck disable=SC1090
. "$ENV_FILE"

passed=0
failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check() {  # check DESCRIPTION CMD...
    local what="$1"; shift
    local rc
    # errexit must stay on inside the check (it is off inside an `if`).
    set +e
    ( set -e; "$@" ) > "$work/out" 2>&1
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1)); echo "ok   - $what"
    else
        failed=$((failed + 1)); echo "FAIL - $what"; sed 's/^/       /' "$work/out" | tail -n 15
    fi
}

opensc() { pkcs11-tool --module "$PODPIS_OPENSC_MODULE" "$@"; }
softhsm() { pkcs11-tool --module "$PODPIS_SOFTHSM_MODULE" "$@"; }
pubkey_of() { openssl x509 -in "$1" -pubkey -noout > "$work/pub.pem"; }

echo "Podpis test bench: signed data" > "$work/data"
openssl dgst -sha256 -binary "$work/data" > "$work/data.sha256"

t_readers() {
    local l; l="$(opensc-tool -l)"
    grep -q "Yes.*$PODPIS_OPENPGP_READER" <<< "$l" && grep -q "No.*$PODPIS_SCRIPTED_READER" <<< "$l"
}
t_atr() { [ "$(reader_atr 0)" = "$PODPIS_OPENPGP_ATR" ]; }
t_opensc_token() { opensc -L | grep -q "$PODPIS_OPENPGP_SIGN_TOKEN"; }
t_p11kit() {
    local l; l="$(p11-kit list-modules)"
    grep -q "token: $PODPIS_SIGNER_TOKEN" <<< "$l" && grep -q "token: $PODPIS_SEAL_TOKEN" <<< "$l"
}
t_always_auth() {
    softhsm --token-label "$PODPIS_SIGNER_TOKEN" --login --pin "$PODPIS_SIGNER_PIN" -O --type privkey --id 01 \
        | grep -q "always authenticate"
}
t_sign_rsa_always_auth() {
    softhsm --token-label "$PODPIS_SIGNER_TOKEN" --login --pin "$PODPIS_SIGNER_PIN" --sign -m SHA256-RSA-PKCS \
        --id 01 -i "$work/data" -o "$work/sig"
    pubkey_of "$PODPIS_PKI_DIR/person-rsa.pem"
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}
t_sign_ec() {
    # SoftHSM 2.6 has no CKM_ECDSA_SHA256: hash first, then CKM_ECDSA.
    softhsm --token-label "$PODPIS_SIGNER_TOKEN" --login --pin "$PODPIS_SIGNER_PIN" --sign -m ECDSA \
        --signature-format openssl --id 02 -i "$work/data.sha256" -o "$work/sig"
    pubkey_of "$PODPIS_PKI_DIR/person-ec.pem"
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}
t_sign_pss() {
    softhsm --token-label "$PODPIS_SIGNER_TOKEN" --login --pin "$PODPIS_SIGNER_PIN" --sign -m SHA256-RSA-PKCS-PSS \
        --id 03 -i "$work/data" -o "$work/sig"
    pubkey_of "$PODPIS_PKI_DIR/person-pss.pem"
    openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify "$work/pub.pem" \
        -signature "$work/sig" "$work/data"
}
t_sign_seal() {
    softhsm --token-label "$PODPIS_SEAL_TOKEN" --login --pin "$PODPIS_SEAL_PIN" --sign -m SHA256-RSA-PKCS \
        --id 01 -i "$work/data" -o "$work/sig"
    pubkey_of "$PODPIS_PKI_DIR/seal.pem"
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}
t_sign_card() {
    opensc --token-label "$PODPIS_OPENPGP_SIGN_TOKEN" --login --pin "$PODPIS_OPENPGP_PIN" --sign -m SHA256-RSA-PKCS \
        --id 01 -i "$work/data" -o "$work/sig"
    pubkey_of "$PODPIS_PKI_DIR/openpgp-sign.pem"
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}
t_chains() {
    local n
    for n in person-rsa person-ec person-pss no-nonrep seal openpgp-sign; do
        openssl verify -CAfile "$PODPIS_PKI_DIR/root.pem" -untrusted "$PODPIS_PKI_DIR/ca.pem" "$PODPIS_PKI_DIR/$n.pem"
    done
    ! openssl verify -CAfile "$PODPIS_PKI_DIR/root.pem" -untrusted "$PODPIS_PKI_DIR/ca.pem" "$PODPIS_PKI_DIR/expired.pem"
}
t_card_reinsert() {
    bash "$TB_SCRIPTS/card.sh" openpgp stop
    if reader_atr 0; then echo "card still visible after stop"; return 1; fi
    bash "$TB_SCRIPTS/card.sh" openpgp start
    opensc --token-label "$PODPIS_OPENPGP_SIGN_TOKEN" -O --type pubkey | grep -q "ID:.*01"
    pkcs15-tool --read-public-key 01 | diff - "$PODPIS_PKI_DIR/openpgp-sign-pub.pem"
}
t_pcscd_restart() {
    bash "$TB_SCRIPTS/pcscd.sh" stop
    if opensc-tool -l 2>/dev/null | grep -q "Virtual PCD"; then echo "readers still listed"; return 1; fi
    bash "$TB_SCRIPTS/pcscd.sh" start
    [ "$(reader_atr 0)" = "$PODPIS_OPENPGP_ATR" ]
    opensc -L | grep -q "$PODPIS_OPENPGP_SIGN_TOKEN"
}
SCRIPTED_ATR="3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 63 3A 20 4E 83 00 90 00 A2"
t_scripted() {
    bash "$TB_SCRIPTS/card.sh" scripted start "$SCRIPTED_ATR" --port "$PODPIS_SCRIPTED_PORT"
    [ "$(opensc-tool -r 1 -a | tr 'a-f:' 'A-F ')" = "$SCRIPTED_ATR" ]
    opensc-tool -r 1 -s "00 A4 04 00 02 3F 00" | grep -q "SW1=0x6D, SW2=0x00"
    bash "$TB_SCRIPTS/card.sh" scripted stop --port "$PODPIS_SCRIPTED_PORT"
    ! reader_atr 1
}
t_scripted_responses() {
    printf '{"00A40400": "9000", "00CA": "0102 9000", "default": "6A82"}\n' > "$work/resp.json"
    bash "$TB_SCRIPTS/card.sh" scripted start "3B 02 14 50" --responses "$work/resp.json"
    local out; out="$(opensc-tool -r 1 -s "00 CA 01 02 00" -s "00 B0 00 00 02")"
    bash "$TB_SCRIPTS/card.sh" scripted stop
    grep -q "SW1=0x90, SW2=0x00" <<< "$out" && grep -q "SW1=0x6A, SW2=0x82" <<< "$out"
}
t_mute() {
    bash "$TB_SCRIPTS/card.sh" scripted start "3B 02 14 50" --mute
    [ "$(reader_atr 1)" = "3B 02 14 50" ]
    # The APDU never gets an answer: the client blocks until it gives up...
    if timeout 2 opensc-tool -r 1 -s "00 A4 04 00 02 3F 00" >/dev/null 2>&1; then return 1; fi
    # ...and removing the card releases pcscd.
    bash "$TB_SCRIPTS/card.sh" scripted stop
    if reader_atr 1; then echo "mute card still visible"; return 1; fi
    [ "$(reader_atr 0)" = "$PODPIS_OPENPGP_ATR" ]
}

check "readers: OpenPGP card in 00 00, 00 01 empty" t_readers
check "OpenPGP card ATR is \$PODPIS_OPENPGP_ATR" t_atr
check "OpenSC shows the OpenPGP token" t_opensc_token
check "p11-kit lists '$PODPIS_SIGNER_TOKEN' and '$PODPIS_SEAL_TOKEN'" t_p11kit
check "person-rsa key has CKA_ALWAYS_AUTHENTICATE" t_always_auth
check "RSA PKCS#1 signature by the always-auth key verifies" t_sign_rsa_always_auth
check "ECDSA P-256 signature verifies" t_sign_ec
check "RSA-PSS signature verifies" t_sign_pss
check "seal signature verifies" t_sign_seal
check "OpenPGP card signature verifies against openpgp-sign.pem" t_sign_card
check "certificate chains (expired one fails today)" t_chains
check "card removed and inserted: key still there" t_card_reinsert
check "pcscd restart: readers and card come back" t_pcscd_restart
check "scripted card: ATR in reader 00 01, default 6D 00, removed on stop" t_scripted
check "scripted card: responses file" t_scripted_responses
check "mute card: APDU blocks, stop releases" t_mute

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
