#!/usr/bin/env bash
# Checks that the test bench works (run after up.sh; leaves it up, as found):
# readers and cards, OpenSC and SoftHSM tokens, signatures verified by
# openssl, card removal/insertion, pcscd restart, scripted and mute cards,
# the RFC 3161 TSA (normal and error modes), the OCSP responder, and the
# verification artefacts (matrix-selftest.sh: CRLs, matrix, trusted lists).
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
# p11_sign TOOL TOKEN PIN ID INPUT PKCS11-TOOL-ARGS...: signs INPUT with key ID
# of TOKEN into $work/sig.
p11_sign() {
    local tool="$1" token="$2" pin="$3" id="$4" input="$5"; shift 5
    "$tool" --token-label "$token" --login --pin "$pin" --sign "$@" --id "$id" -i "$input" -o "$work/sig"
}
# verify_sig CERT [OPENSSL-DGST-ARGS...]: $work/sig is a SHA-256 signature of
# $work/data by the key of CERT.
verify_sig() {
    local cert="$1"; shift
    openssl x509 -in "$cert" -pubkey -noout > "$work/pub.pem"
    openssl dgst -sha256 "$@" -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}

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
    p11_sign softhsm "$PODPIS_SIGNER_TOKEN" "$PODPIS_SIGNER_PIN" 01 "$work/data" -m SHA256-RSA-PKCS
    verify_sig "$PODPIS_PKI_DIR/person-rsa.pem"
}
t_sign_ec() {
    # SoftHSM 2.6 has no CKM_ECDSA_SHA256: hash first, then CKM_ECDSA.
    p11_sign softhsm "$PODPIS_SIGNER_TOKEN" "$PODPIS_SIGNER_PIN" 02 "$work/data.sha256" -m ECDSA --signature-format openssl
    verify_sig "$PODPIS_PKI_DIR/person-ec.pem"
}
t_sign_pss() {
    p11_sign softhsm "$PODPIS_SIGNER_TOKEN" "$PODPIS_SIGNER_PIN" 03 "$work/data" -m SHA256-RSA-PKCS-PSS
    verify_sig "$PODPIS_PKI_DIR/person-pss.pem" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
}
t_sign_seal() {
    p11_sign softhsm "$PODPIS_SEAL_TOKEN" "$PODPIS_SEAL_PIN" 01 "$work/data" -m SHA256-RSA-PKCS
    verify_sig "$PODPIS_PKI_DIR/seal.pem"
}
t_sign_card() {
    p11_sign opensc "$PODPIS_OPENPGP_SIGN_TOKEN" "$PODPIS_OPENPGP_PIN" 01 "$work/data" -m SHA256-RSA-PKCS
    verify_sig "$PODPIS_PKI_DIR/openpgp-sign.pem"
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

# ---- TSA (tsa.py) and OCSP responder (ocsp.py)

# post URL FILE CONTENT-TYPE OUT [CURL-ARGS...]: prints the HTTP status code.
post() {
    local url="$1" file="$2" ctype="$3" out="$4"; shift 4
    curl -sS -o "$out" -w '%{http_code}' -H "Content-Type: $ctype" --data-binary "@$file" "$@" "$url"
}
tsq() { openssl ts -query -data "$work/data" "$@" -out "$work/q.tsq" 2>/dev/null; }
ts_verify() {  # $work/r.tsr against $work/data
    openssl ts -verify -data "$work/data" -in "$work/r.tsr" -CAfile "$PODPIS_PKI_DIR/root.pem" \
        -untrusted "$PODPIS_TSA_CHAIN" > "$work/v" 2>&1 || true
    grep -q '^Verification: OK' "$work/v" || { cat "$work/v"; return 1; }
}
t_tsa() {
    local code
    tsq -sha256 -cert
    code="$(post "$PODPIS_TSA_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr" -D "$work/hdr")"
    [ "$code" = 200 ] || { echo "HTTP $code"; return 1; }
    grep -qi '^content-type: application/timestamp-reply' "$work/hdr"
    openssl ts -reply -in "$work/r.tsr" -text > "$work/text" 2>&1
    if ! { grep -q 'Status: Granted' "$work/text" && grep -q 'Policy OID: 2.999.2.1' "$work/text" \
        && grep -q 'TSA: DirName:/C=PL/O=Podpis Test/CN=Podpis Test TSA' "$work/text"; }; then
        cat "$work/text"; return 1
    fi
    ts_verify
    # signing-certificate-v2 (ESSCertIDv2), not v1.
    openssl ts -reply -in "$work/r.tsr" -token_out -out "$work/tok.der" 2>/dev/null
    openssl cms -cmsout -print -inform DER -in "$work/tok.der" > "$work/tok.txt"
    grep -q 'signingCertificateV2' "$work/tok.txt"
    # No certReq, SHA-512: the token carries no certificates; verify with the chain file.
    tsq -sha512 -no_nonce
    code="$(post "$PODPIS_TSA_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr")"
    [ "$code" = 200 ]
    ts_verify
}
t_tsa_error() {
    local code
    tsq -sha256 -cert
    code="$(post "$PODPIS_TSA_ERROR_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr")"
    [ "$code" = 200 ] || { echo "HTTP $code"; return 1; }
    openssl ts -reply -in "$work/r.tsr" -text > "$work/text" 2>&1
    grep -q 'Status: Rejected' "$work/text" || { cat "$work/text"; return 1; }
    if openssl ts -verify -data "$work/data" -in "$work/r.tsr" -CAfile "$PODPIS_PKI_DIR/root.pem" \
        -untrusted "$PODPIS_TSA_CHAIN" >/dev/null 2>&1; then echo "rejection verified"; return 1; fi
}
t_tsa_garbage() {
    local code
    tsq -sha256 -cert
    code="$(post "$PODPIS_TSA_GARBAGE_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr")"
    [ "$code" = 200 ] || { echo "HTTP $code"; return 1; }
    [ -s "$work/r.tsr" ]
    if openssl ts -reply -in "$work/r.tsr" -text >/dev/null 2>&1; then echo "garbage parsed"; return 1; fi
}
t_tsa_http500() {
    local code
    tsq -sha256 -cert
    code="$(post "$PODPIS_TSA_HTTP500_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr")"
    [ "$code" = 500 ] || { echo "HTTP $code"; return 1; }
}
t_tsa_slow() {
    local rc=0
    tsq -sha256 -cert
    post "$PODPIS_TSA_SLOW_URL" "$work/q.tsq" application/timestamp-query "$work/r.tsr" --max-time 2 || rc=$?
    # curl: 28 = operation timed out
    [ "$rc" -eq 28 ] || { echo "curl exit $rc, expected 28 (timeout)"; return 1; }
}
t_tsa_bad_requests() {
    local code
    tsq -sha256 -cert
    code="$(curl -sS -o /dev/null -w '%{http_code}' "$PODPIS_TSA_URL")"; [ "$code" = 405 ] || { echo "GET: $code"; return 1; }
    code="$(post "$PODPIS_TSA_URL" "$work/q.tsq" text/plain /dev/null)"; [ "$code" = 400 ] || { echo "text/plain: $code"; return 1; }
    code="$(post "$PODPIS_TSA_URL" "$work/data" application/timestamp-query /dev/null)"; [ "$code" = 400 ] || { echo "bad body: $code"; return 1; }
    head -c 70000 /dev/zero > "$work/big"
    code="$(post "$PODPIS_TSA_URL" "$work/big" application/timestamp-query /dev/null)"; [ "$code" = 413 ] || { echo "70000 bytes: $code"; return 1; }
}
ocsp_query() {  # ocsp_query CERT: prints openssl's answer
    openssl ocsp -issuer "$PODPIS_PKI_DIR/ca.pem" -cert "$1" -url "$PODPIS_OCSP_URL" \
        -CAfile "$PODPIS_PKI_DIR/root.pem" 2>&1
}
t_ocsp_good() {
    local i n out
    for i in 1 2 3 4 5; do
        out="$(ocsp_query "$PODPIS_PKI_DIR/person-rsa.pem")"
        if ! { grep -q '^Response verify OK' <<< "$out" && grep -q 'person-rsa.pem: good' <<< "$out"; }; then
            echo "request $i: $out"; return 1
        fi
    done
    for n in seal openpgp-sign tsa; do
        out="$(ocsp_query "$PODPIS_PKI_DIR/$n.pem")"
        if ! { grep -q '^Response verify OK' <<< "$out" && grep -q "$n.pem: good" <<< "$out"; }; then
            echo "$n: $out"; return 1
        fi
    done
}
t_ocsp_revoked() {
    local out
    out="$(ocsp_query "$PODPIS_REVOKED_CERT")"
    if ! { grep -q '^Response verify OK' <<< "$out" && grep -q 'revoked.pem: revoked' <<< "$out" \
        && grep -q 'Reason: keyCompromise' <<< "$out"; }; then
        echo "$out"; return 1
    fi
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
check "TSA: token granted, openssl ts -verify OK (certReq and not)" t_tsa
check "TSA /tsa/error: TimeStampResp status rejection" t_tsa_error
check "TSA /tsa/garbage: 200 with bytes that are no TimeStampResp" t_tsa_garbage
check "TSA /tsa/http500: HTTP 500" t_tsa_http500
check "TSA /tsa/slow: no answer within 2 s" t_tsa_slow
check "TSA: GET 405, wrong type 400, bad body 400, 70000 bytes 413" t_tsa_bad_requests
check "OCSP: person-rsa good 5 times in a row; seal, openpgp-sign, tsa good" t_ocsp_good
check "OCSP: revoked.pem revoked (keyCompromise)" t_ocsp_revoked

# The verification artefacts (CRLs, matrix, trusted lists): their own script.
t_verification() { bash "$TB_SCRIPTS/matrix-selftest.sh"; }
check "verification artefacts: testbed/matrix-selftest.sh (10 checks)" t_verification

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
