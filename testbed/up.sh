#!/usr/bin/env bash
# Brings the Podpis test bench up (idempotent; prints "already up" if it is).
# All state under $PODPIS_TESTBED_DIR (default <repo>/.testbed):
#   - test PKI (pki.sh) in $STATE/pki
#   - SoftHSM2 tokens "Podpis Signer" and "Podpis Seal" (softhsm.sh)
#   - a private pcscd with the two vpcd readers (pcscd.sh)
#   - the OpenPGP virtual card in "Virtual PCD 00 00" with an RSA-2048 signing
#     key generated on the card, its public key and a qualified certificate
#     for it in $STATE/pki/openpgp-sign-pub.pem and openpgp-sign.pem
#   - the loopback RFC 3161 TSA (tsa.py, port 35980), OCSP responder
#     (ocsp.py, port 35981) and CRL/caIssuers/trusted-list server (pkihttp.py,
#     port 35982) of services.sh, with certificates from the PKI
#   - verification artefacts (verification.py): more CAs, the time/revocation
#     matrix in $STATE/pki/matrix, test trusted lists in $STATE/pki/tl
#   - $STATE/env: `source .testbed/env` gives every client the bench
# Stop with down.sh. Needs root and install-deps.sh.
set -euo pipefail
TB_NAME=up.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0="$(date +%s%N)"
elapsed() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (pcscd in a private mount namespace)"
need_cmd pcscd unshare setsid openssl softhsm2-util pkcs11-tool pkcs15-tool pkcs15-init openpgp-tool
check_python

if [ -f "$STATE/.up" ] && [ -f "$ENV_FILE" ] && pcscd_running \
    && pid_running "$OPENPGP_PIDFILE" openpgp_bridge.py \
    && pid_running "$TSA_PIDFILE" tsa.py && pid_running "$OCSP_PIDFILE" ocsp.py \
    && pid_running "$CRL_PIDFILE" pkihttp.py \
    && grep -q '^export PODPIS_OCSP_URL=' "$ENV_FILE" && grep -q '^export PODPIS_XADES_PYDIR=' "$ENV_FILE" \
    && grep -q '^export PODPIS_MATRIX_MANIFEST=' "$ENV_FILE"; then
    log "already up: source $ENV_FILE"
    exit 0
fi
rm -f "$STATE/.up"
ensure_state_dirs

# 1. Test PKI. A new PKI invalidates the tokens and the card's certificate.
if [ ! -f "$PKI_DIR/.done" ]; then
    bash "$TB_SCRIPTS/pki.sh" generate
    rm -f "$STATE/softhsm/.done" "$PKI_DIR/openpgp-sign.pem"
    touch "$PKI_DIR/.done"
else
    log "test PKI already in $PKI_DIR"
    # A PKI from before the TSA and OCSP responder: add their certificates.
    if [ ! -f "$PKI_DIR/tsa-chain.pem" ] || [ ! -f "$PKI_DIR/ocsp.pem" ] || [ ! -f "$PKI_DIR/revoked.pem" ]; then
        bash "$TB_SCRIPTS/pki.sh" services
    fi
    # A PKI from before the verification artefacts: add them.
    if [ ! -f "$PKI_DIR/matrix/manifest.tsv" ] || [ ! -f "$PKI_DIR/tl/lists.tsv" ]; then
        bash "$TB_SCRIPTS/pki.sh" verification
    fi
fi

# 2. SoftHSM tokens.
if [ ! -f "$STATE/softhsm/.done" ]; then
    bash "$TB_SCRIPTS/softhsm.sh" setup
    touch "$STATE/softhsm/.done"
else
    log "SoftHSM tokens already in $SOFTHSM_TOKENDIR"
fi

# 3. pcscd, then the OpenPGP card.
bash "$TB_SCRIPTS/pcscd.sh" start
bash "$TB_SCRIPTS/card.sh" openpgp start

# 4. The card's signing key: generated once, kept in $STATE/openpgp.
if [ ! -f "$OPENPGP_DIR/.keygen-done" ]; then
    log "generating the OpenPGP card's RSA-2048 signing key (openpgp-tool --gen-key 1)"
    out="$(openpgp-tool --verify CHV3 --pin "$OPENPGP_ADMIN_PIN" --gen-key 1 --key-type rsa2048 2>&1)" \
        || { printf '%s\n' "$out" >&2; die "openpgp-tool could not generate the signing key"; }
    rm -f "$PKI_DIR/openpgp-sign-pub.pem" "$PKI_DIR/openpgp-sign.pem"
    touch "$OPENPGP_DIR/.keygen-done"
fi
if [ ! -f "$PKI_DIR/openpgp-sign-pub.pem" ]; then
    tmp_pub="$PKI_DIR/.openpgp-sign-pub.pem.tmp"
    out="$(pkcs15-tool --read-public-key 01 --output "$tmp_pub" 2>&1)" \
        || { printf '%s\n' "$out" >&2; die "pkcs15-tool could not read the card's signing public key (ID 01)"; }
    openssl pkey -pubin -in "$tmp_pub" -noout 2>/dev/null || die "the card's public key export is not a valid PEM public key"
    mv "$tmp_pub" "$PKI_DIR/openpgp-sign-pub.pem"
    rm -f "$PKI_DIR/openpgp-sign.pem"
    log "card signing public key: $PKI_DIR/openpgp-sign-pub.pem"
fi
if [ ! -f "$PKI_DIR/openpgp-sign.pem" ]; then
    bash "$TB_SCRIPTS/pki.sh" issue-openpgp "$PKI_DIR/openpgp-sign-pub.pem"
    rm -f "$OPENPGP_DIR/.certificate-stored"
fi
# The certificate goes on the card too (cardholder certificate DO 7F21, written
# with the admin PIN), as a real qualified card holds its own: OpenSC then shows
# it on the card's virtual slots and the daemon can sign with the card.
if [ ! -f "$OPENPGP_DIR/.certificate-stored" ]; then
    out="$(pkcs15-init --store-certificate "$PKI_DIR/openpgp-sign.pem" --auth-id 3 --id 3 \
        --pin "$OPENPGP_ADMIN_PIN" --verify-pin 2>&1)" \
        || { printf '%s\n' "$out" >&2; die "pkcs15-init could not store the certificate on the OpenPGP card"; }
    touch "$OPENPGP_DIR/.certificate-stored"
    log "OpenPGP card: certificate stored on the card"
fi

# 5. The OCSP index (it lists openpgp-sign.pem too), then the TSA and the
#    OCSP responder.
if [ ! -f "$OCSP_DIR/index.txt" ] \
    || [ -n "$(find "$PKI_DIR" -maxdepth 1 -name '*.pem' -newer "$OCSP_DIR/index.txt" -print -quit)" ]; then
    bash "$TB_SCRIPTS/pki.sh" ocsp-index
fi
# The current CRLs follow the OCSP index (the same revocations).
if [ ! -f "$PKI_DIR/crl/ca.crl" ] || [ "$OCSP_DIR/index.txt" -nt "$PKI_DIR/crl/ca.crl" ]; then
    bash "$TB_SCRIPTS/pki.sh" crls
fi
bash "$TB_SCRIPTS/services.sh" all start

# 6. The environment file.
openpgp_atr="$(reader_atr 0)" || die "no card visible in reader 0 ($VPCD_READER_0)"
softhsm_mod="$(softhsm_module)"
opensc_mod="$(opensc_module)"
tmp_env="$ENV_FILE.tmp"
{
    echo "# Podpis test bench environment, written by testbed/up.sh on $(date -u '+%F %T') UTC."
    echo "# Source it from bash (source $ENV_FILE) or read it as KEY=\"VALUE\" lines."
} > "$tmp_env"
put() {
    # shellcheck disable=SC1003
    case "$2" in *'"'*|*'$'*|*'`'*|*'\'*) die "value of $1 has a character that cannot be quoted simply: $2" ;; esac
    printf 'export %s="%s"\n' "$1" "$2" >> "$tmp_env"
}
put PODPIS_TESTBED_DIR "$STATE"
put PODPIS_TESTBED_SCRIPTS "$TB_SCRIPTS"
put PODPIS_PYTHON "$TB_PYTHON"
put PODPIS_TESTBED_PYDIR "$TB_PYDIR"
put PODPIS_XADES_PYDIR "$TB_XADES_PYDIR"
put PCSCLITE_CSOCK_NAME "$PCSCD_SOCKET"
put SOFTHSM2_CONF "$SOFTHSM_CONF"
put PODPIS_SOFTHSM_MODULE "$softhsm_mod"
put PODPIS_OPENSC_MODULE "$opensc_mod"
put PODPIS_PKI_DIR "$PKI_DIR"
put PODPIS_SIGNER_TOKEN "$SIGNER_TOKEN"
put PODPIS_SIGNER_PIN "$SIGNER_PIN"
put PODPIS_SIGNER_SO_PIN "$SO_PIN"
put PODPIS_SEAL_TOKEN "$SEAL_TOKEN"
put PODPIS_SEAL_PIN "$SEAL_PIN"
put PODPIS_SEAL_SO_PIN "$SO_PIN"
put PODPIS_OPENPGP_PIN "$OPENPGP_PIN"
put PODPIS_OPENPGP_ADMIN_PIN "$OPENPGP_ADMIN_PIN"
put PODPIS_OPENPGP_ATR "$openpgp_atr"
put PODPIS_OPENPGP_READER "$VPCD_READER_0"
put PODPIS_OPENPGP_PORT "$VPCD_PORT_0"
put PODPIS_OPENPGP_SIGN_TOKEN "OpenPGP card (User PIN (sig))"
put PODPIS_OPENPGP_SIGN_KEY_ID "01"
put PODPIS_SCRIPTED_READER "$VPCD_READER_1"
put PODPIS_SCRIPTED_PORT "$VPCD_PORT_1"
put PODPIS_TSA_URL "http://127.0.0.1:$TSA_PORT/tsa"
put PODPIS_TSA_SLOW_URL "http://127.0.0.1:$TSA_PORT/tsa/slow"
put PODPIS_TSA_ERROR_URL "http://127.0.0.1:$TSA_PORT/tsa/error"
put PODPIS_TSA_GARBAGE_URL "http://127.0.0.1:$TSA_PORT/tsa/garbage"
put PODPIS_TSA_HTTP500_URL "http://127.0.0.1:$TSA_PORT/tsa/http500"
put PODPIS_TSA_CERT "$PKI_DIR/tsa.pem"
put PODPIS_TSA_CHAIN "$PKI_DIR/tsa-chain.pem"
put PODPIS_TSA_POLICY "2.999.2.1"
put PODPIS_TSA_PORT "$TSA_PORT"
put PODPIS_OCSP_PORT "$OCSP_PORT"
put PODPIS_OCSP_URL "http://127.0.0.1:$OCSP_PORT"
put PODPIS_OCSP_CERT "$PKI_DIR/ocsp.pem"
put PODPIS_REVOKED_CERT "$PKI_DIR/revoked.pem"
# Verification (verification.py, trustedlist.py; testbed/README.md).
put PODPIS_CRL_PORT "$CRL_PORT"
put PODPIS_CRL_BASE_URL "http://127.0.0.1:$CRL_PORT"
put PODPIS_CRL_DIR "$PKI_DIR/crl"
put PODPIS_CA_CRL "$PKI_DIR/crl/ca.crl"
put PODPIS_CA_CRL_URL "http://127.0.0.1:$CRL_PORT/ca.crl"
put PODPIS_ROOT_CRL "$PKI_DIR/crl/root.crl"
put PODPIS_SEAL_CA_CERT "$PKI_DIR/verify/seal-ca.pem"
put PODPIS_WITHDRAWN_CA_CERT "$PKI_DIR/verify/withdrawn-ca.pem"
put PODPIS_CRLONLY_CA_CERT "$PKI_DIR/verify/crlonly-ca.pem"
put PODPIS_VERIFY_DIR "$PKI_DIR/verify"
put PODPIS_MATRIX_DIR "$PKI_DIR/matrix"
put PODPIS_MATRIX_MANIFEST "$PKI_DIR/matrix/manifest.tsv"
put PODPIS_MATRIX_TIMES "$PKI_DIR/matrix/times.tsv"
put PODPIS_TL_DIR "$PKI_DIR/tl"
put PODPIS_TEST_TL "$PKI_DIR/tl/PL-TEST-TL.xml"
put PODPIS_TEST_LOTL "$PKI_DIR/tl/EU-TEST-LOTL.xml"
put PODPIS_TEST_LOTL_URL "http://127.0.0.1:$CRL_PORT/EU-TEST-LOTL.xml"
put PODPIS_TEST_LOTL_PINNED_CERT "$PKI_DIR/tl/lotl-signer-pinned.pem"
put PODPIS_TEST_TL_SIGNER_CERT "$PKI_DIR/tl/tl-signer.pem"
mv "$tmp_env" "$ENV_FILE"

touch "$STATE/.up"
log "up in $(elapsed): source $ENV_FILE"
