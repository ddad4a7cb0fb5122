#!/usr/bin/env bash
# Checks the verification artefacts of the test bench with independent
# tools (run after up.sh; selftest.sh runs it too): AIA/CDP in the
# certificates, the CRL server, current and past CRLs (openssl crl -verify,
# openssl verify -crl_check_all), the OCSP responses of the matrix (openssl
# ocsp -respin: status, producedAt, the unauthorised responder refused), the
# CAdES signatures (openssl cms -verify -attime, signing-certificate-v2, the
# signature time-stamp over the signature value: openssl ts -verify), and the
# trusted lists (xmllint --schema, xmlsec1 --verify, the broken variants).
# Prints one line per check and "matrix-selftest: N passed, N failed".
set -euo pipefail
TB_NAME=matrix-selftest
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

P="$PODPIS_PKI_DIR"
M="$PODPIS_MATRIX_DIR"
V="$PODPIS_VERIFY_DIR"
T="$PODPIS_TL_DIR"
SCHEMAS="${PODPIS_TL_SCHEMA_DIR:-/work/shared/conformance/schemas}"
# Every bench CA with the root, for openssl cms -verify (no -untrusted there).
cat "$P/root.pem" "$P/ca.pem" "$V/seal-ca.pem" "$V/withdrawn-ca.pem" "$V/crlonly-ca.pem" > "$work/cas.pem"

# manifest_time NAME: a time of times.tsv as seconds since the epoch.
times_get() { date -u -d "$(awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$PODPIS_MATRIX_TIMES")" +%s; }
epoch() { date -u -d "$1" +%s; }

t_aia_cdp() {
    local txt
    txt="$(openssl x509 -in "$P/person-rsa.pem" -noout -ext authorityInfoAccess,crlDistributionPoints)"
    grep -q "OCSP - URI:$PODPIS_OCSP_URL" <<< "$txt"
    grep -q "CA Issuers - URI:$PODPIS_CRL_BASE_URL/ca.cer" <<< "$txt"
    grep -q "URI:$PODPIS_CRL_BASE_URL/ca.crl" <<< "$txt"
    txt="$(openssl x509 -in "$P/ca.pem" -noout -ext authorityInfoAccess,crlDistributionPoints)"
    grep -q "URI:$PODPIS_CRL_BASE_URL/root.crl" <<< "$txt"
    txt="$(openssl x509 -in "$V/crlonly-person.pem" -noout -text)"
    grep -q "URI:$PODPIS_CRL_BASE_URL/crlonly-ca.crl" <<< "$txt"
    if grep -q "Authority Information Access" <<< "$txt"; then echo "crlonly-person has AIA"; return 1; fi
}
t_crl_server() {
    local n code
    for n in ca.crl root.crl seal-ca.crl withdrawn-ca.crl crlonly-ca.crl; do
        curl -sSf -o "$work/x" "$PODPIS_CRL_BASE_URL/$n"
        cmp "$work/x" "$PODPIS_CRL_DIR/$n"
    done
    curl -sSf -D "$work/h" -o "$work/x" "$PODPIS_CRL_BASE_URL/ca.cer"
    grep -qi '^content-type: application/pkix-cert' "$work/h"
    cmp "$work/x" "$P/ca.der"
    curl -sSf -o "$work/x" "$PODPIS_TEST_LOTL_URL"
    cmp "$work/x" "$PODPIS_TEST_LOTL"
    code="$(curl -s -o /dev/null -w '%{http_code}' "$PODPIS_CRL_BASE_URL/nothing.crl")"; [ "$code" = 404 ]
    code="$(curl -s -o /dev/null -w '%{http_code}' "$PODPIS_CRL_BASE_URL/..%2fenv")"; [ "$code" = 404 ]
    code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$PODPIS_CRL_BASE_URL/ca.crl")"; [ "$code" = 405 ]
}
crl_ok() {  # crl_ok FILE ISSUER: the DER CRL's signature verifies with ISSUER
    openssl crl -inform DER -in "$1" -noout -CAfile "$2" 2>&1 | grep -q 'verify OK'
}
t_current_crls() {
    local serial
    crl_ok "$PODPIS_CA_CRL" "$P/ca.pem"
    crl_ok "$PODPIS_ROOT_CRL" "$P/root.pem"
    crl_ok "$PODPIS_CRL_DIR/crlonly-ca.crl" "$V/crlonly-ca.pem"
    serial="$(openssl x509 -in "$P/revoked.pem" -noout -serial | cut -d= -f2)"
    openssl crl -inform DER -in "$PODPIS_CA_CRL" -noout -text | grep -q "Serial Number: $serial"
    serial="$(openssl x509 -in "$V/crlonly-revoked.pem" -noout -serial | cut -d= -f2)"
    openssl crl -inform DER -in "$PODPIS_CRL_DIR/crlonly-ca.crl" -noout -text | grep -q "Serial Number: $serial"
    # Path validation with the CRLs of the whole chain.
    openssl crl -inform DER -in "$PODPIS_CA_CRL" > "$work/crls.pem"
    openssl crl -inform DER -in "$PODPIS_ROOT_CRL" >> "$work/crls.pem"
    openssl crl -inform DER -in "$PODPIS_CRL_DIR/crlonly-ca.crl" >> "$work/crls.pem"
    openssl verify -crl_check_all -CRLfile "$work/crls.pem" -CAfile "$P/root.pem" -untrusted "$P/ca.pem" "$P/person-rsa.pem"
    ! openssl verify -crl_check_all -CRLfile "$work/crls.pem" -CAfile "$P/root.pem" -untrusted "$P/ca.pem" "$P/revoked.pem"
    openssl verify -crl_check_all -CRLfile "$work/crls.pem" -CAfile "$P/root.pem" -untrusted "$V/crlonly-ca.pem" "$V/crlonly-person.pem"
    ! openssl verify -crl_check_all -CRLfile "$work/crls.pem" -CAfile "$P/root.pem" -untrusted "$V/crlonly-ca.pem" "$V/crlonly-revoked.pem"
}
t_past_crls() {
    local f serial_s txt
    for f in "$M"/crl/ca-*.crl; do crl_ok "$f" "$P/ca.pem"; done
    for f in withdrawn-ca seal-ca crlonly-ca; do crl_ok "$M/crl/$f-d5.crl" "$V/$f.pem"; done
    serial_s="$(openssl x509 -in "$M/suspended.pem" -noout -serial | cut -d= -f2)"
    txt="$(openssl crl -inform DER -in "$M/crl/ca-hold.crl" -noout -text)"
    grep -A4 "Serial Number: $serial_s" <<< "$txt" | grep -q 'Certificate Hold'
    if openssl crl -inform DER -in "$M/crl/ca-released.crl" -noout -text | grep -q "$serial_s"; then
        echo "released certificate still listed"; return 1
    fi
    openssl crl -inform DER -in "$M/crl/ca-released-removefromcrl.crl" -noout -text \
        | grep -A4 "Serial Number: $serial_s" | grep -q 'Remove From CRL'
    openssl crl -inform DER -in "$M/crl/ca-2019.crl" -noout -lastupdate | grep -q 'Jun  2 00:00:.. 2019 GMT'
    [ "$(openssl crl -inform DER -in "$M/crl/ca-d300.crl" -noout -text | grep -c 'Serial Number')" -eq 0 ]
}
# ocsp_status FILE CERT [ISSUER]: openssl's verdict line(s) for CERT.
ocsp_status() {
    openssl ocsp -respin "$M/ocsp/$1" -issuer "${3:-$P/ca.pem}" -cert "$2" -CAfile "$P/root.pem" -validity_period 2000000000 -resp_text 2>&1
}
t_ocsp_files() {
    local out t
    out="$(ocsp_status good-d300.der "$M/good.pem")"
    grep -q '^Response verify OK' <<< "$out"; grep -q 'good.pem: good' <<< "$out"
    # producedAt = the faked time (D-300 + 10 min, to the minute).
    t="$(grep 'Produced At:' <<< "$out" | sed 's/.*Produced At: //')"
    [ $(( $(epoch "$t") - ($(times_get generated) - 300 * 86400 + 600) )) -lt 120 ] || { echo "producedAt $t"; return 1; }
    out="$(ocsp_status good-d300-by-ca.der "$M/good.pem")"
    grep -q '^Response verify OK' <<< "$out"; grep -q 'good.pem: good' <<< "$out"
    out="$(ocsp_status revoked-before-d150.der "$M/revoked-before.pem")"
    grep -q '^Response verify OK' <<< "$out"; grep -q ': revoked' <<< "$out"; grep -q 'Reason: keyCompromise' <<< "$out"
    out="$(ocsp_status revoked-after-d250.der "$M/revoked-after.pem")"; grep -q 'revoked-after.pem: good' <<< "$out"
    out="$(ocsp_status revoked-after-d150.der "$M/revoked-after.pem")"; grep -q 'Reason: cessationOfOperation' <<< "$out"
    out="$(ocsp_status suspended-hold.der "$M/suspended.pem")"; grep -q 'Reason: certificateHold' <<< "$out"
    out="$(ocsp_status suspended-released.der "$M/suspended.pem")"; grep -q 'suspended.pem: good' <<< "$out"
    out="$(ocsp_status expired-2019.der "$P/expired.pem")"; grep -q 'expired.pem: good' <<< "$out"
    grep -q 'Produced At: Jun  1 12:10:.. 2019 GMT' <<< "$out"
    out="$(ocsp_status unknown-d300.der "$M/unknown.pem")"
    grep -q '^Response verify OK' <<< "$out"; grep -q 'unknown.pem: unknown' <<< "$out"
    # The answer for another serial has no status for revoked-after.
    out="$(ocsp_status other-serial-d300.der "$M/revoked-after.pem" || true)"; grep -q 'No Status found' <<< "$out"
    # A responder without id-kp-OCSPSigning is not authorised.
    out="$(ocsp_status good-d300-unauthorised.der "$M/good.pem" || true)"
    grep -q 'Response Verify Failure' <<< "$out" || { echo "$out"; return 1; }
    if openssl x509 -in "$V/ocsp-noeku.pem" -noout -ext extendedKeyUsage | grep -q 'OCSP Signing'; then return 1; fi
}
# sigdigest FILE.p7s: hex SHA-256 of the SignerInfo's signature value; also
# checks that its signature time-stamp, if any, is the token in tokens/.
sig_info() {
    "$TB_PYTHON" - "$1" "$2" <<'EOF'
import hashlib, sys
from asn1crypto import cms
ci = cms.ContentInfo.load(open(sys.argv[1], "rb").read())
si = ci["content"]["signer_infos"][0]
print(hashlib.sha256(si["signature"].native).hexdigest())
attrs = si["unsigned_attrs"]
tst = sys.argv[2]
if tst != "-":
    embedded = [a for a in attrs if a["type"].dotted == "1.2.840.113549.1.9.16.2.14"]
    assert len(embedded) == 1, "no signature time-stamp"
    assert embedded[0]["values"][0].dump() == open(tst, "rb").read(), "embedded token differs from " + tst
else:
    assert not attrs, "unexpected unsigned attributes"
EOF
}
t_cades() {
    local f name ts sig_t tst hex gent
    tail -n +2 "$PODPIS_MATRIX_MANIFEST" | awk -F'\t' '$2 ~ /^CAdES/ { print $1 "\t" $4 "\t" $5 }' | sort -u > "$work/sigs"
    [ "$(wc -l < "$work/sigs")" -ge 14 ] || { echo "only $(wc -l < "$work/sigs") signatures"; return 1; }
    while IFS=$'\t' read -r f sig_t ts; do
        name="$(basename "$f" .p7s)"
        openssl cms -cmsout -print -inform DER -in "$M/$f" > "$work/p"
        grep -q 'signingCertificateV2' "$work/p" || { echo "$f: no signing-certificate-v2"; return 1; }
        # Verify at the signing time (the late signer's certificate is not valid then).
        if [ "$name" = late-bt ]; then
            if openssl cms -verify -binary -inform DER -in "$M/$f" -CAfile "$work/cas.pem" -attime "$(epoch "$sig_t")" -out /dev/null 2>/dev/null; then
                echo "$f verifies before notBefore"; return 1
            fi
            openssl cms -verify -binary -inform DER -in "$M/$f" -CAfile "$work/cas.pem" -out "$work/content"
        else
            openssl cms -verify -binary -inform DER -in "$M/$f" -CAfile "$work/cas.pem" -attime "$(epoch "$sig_t")" \
                -out "$work/content" 2>"$work/err" || { echo "$f:"; cat "$work/err"; return 1; }
        fi
        cmp "$work/content" "$M/content.txt"
        tst="-"; [ "$ts" = "-" ] || tst="$M/tokens/$name.tst"
        hex="$(sig_info "$M/$f" "$tst" | head -n1)" || { echo "$f: $hex"; return 1; }
        [ "$ts" != "-" ] || continue
        # The token: over the signature value, made at the manifest's time.
        openssl ts -verify -token_in -in "$tst" -digest "$hex" -CAfile "$P/root.pem" -untrusted "$P/chain.pem" \
            -attime "$(epoch "$ts")" > "$work/v" 2>&1 || { echo "$f:"; cat "$work/v"; return 1; }
        grep -q 'Verification: OK' "$work/v"
        gent="$(openssl ts -reply -token_in -in "$tst" -text | sed -n 's/^Time stamp: //p')"
        [ $(( $(epoch "$gent") - $(epoch "$ts") )) -ge 0 ] && [ $(( $(epoch "$gent") - $(epoch "$ts") )) -lt 120 ] \
            || { echo "$f: genTime $gent, expected $ts"; return 1; }
    done < "$work/sigs"
}
t_expired_tsa() {
    local hex
    hex="$(sig_info "$M/tsa-expired-bt.p7s" "$M/tokens/tsa-expired-bt.tst" | head -n1)"
    # Valid when made, not today.
    if openssl ts -verify -token_in -in "$M/tokens/tsa-expired-bt.tst" -digest "$hex" -CAfile "$P/root.pem" \
        -untrusted "$P/chain.pem" 2>/dev/null | grep -q 'Verification: OK'; then
        echo "token of the expired TSA verifies today"; return 1
    fi
    [ "$(openssl x509 -in "$V/tsa-expired.pem" -noout -checkend 0 >/dev/null 2>&1; echo $?)" = 1 ]
}
t_tl_schema() {
    local f
    for f in "$T"/*.xml; do
        XML_CATALOG_FILES="$SCHEMAS/catalog.xml" xmllint --nonet --noout --schema "$SCHEMAS/ts_119612v020401_xsd.xsd" "$f"
    done
}
t_tl_signatures() {
    xmlsec1 --verify --trusted-pem "$PODPIS_TEST_TL_SIGNER_CERT" "$PODPIS_TEST_TL"
    xmlsec1 --verify --trusted-pem "$PODPIS_TEST_LOTL_PINNED_CERT" "$PODPIS_TEST_LOTL"
    xmlsec1 --verify --trusted-pem "$PODPIS_TEST_TL_SIGNER_CERT" "$T/tl-expired.xml"
    ! xmlsec1 --verify --trusted-pem "$PODPIS_TEST_TL_SIGNER_CERT" "$T/tl-bad-signature.xml"
    ! xmlsec1 --verify --trusted-pem "$PODPIS_TEST_TL_SIGNER_CERT" "$T/tl-unannounced-signer.xml"
    xmlsec1 --verify --trusted-pem "$T/tl-rogue.pem" "$T/tl-unannounced-signer.xml"
    ! xmlsec1 --verify --trusted-pem "$PODPIS_TEST_LOTL_PINNED_CERT" "$T/lotl-unpinned-signer.xml"
}
t_tl_content() {
    "$TB_PYTHON" - "$T" "$P" <<'EOF'
import base64, datetime, subprocess, sys
import xml.etree.ElementTree as ET
tl_dir, pki = sys.argv[1], sys.argv[2]
NS = {"t": "http://uri.etsi.org/02231/v2#", "e": "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"}
def der(pem):
    return base64.b64encode(subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True, check=True).stdout).decode()
lotl = ET.parse(tl_dir + "/EU-TEST-LOTL.xml").getroot()
ptrs = lotl.findall(".//t:OtherTSLPointer", NS)
announced = {p.findtext(".//t:X509Certificate", namespaces=NS) for p in ptrs}
assert der(tl_dir + "/tl-signer.pem") in announced, "TL signer not announced"
assert der(tl_dir + "/tl-rogue.pem") not in announced, "rogue announced"
assert any(p.findtext("t:TSLLocation", namespaces=NS).endswith("/PL-TEST-TL.xml") for p in ptrs)
tl = ET.parse(tl_dir + "/PL-TEST-TL.xml").getroot()
svcs = {s.findtext("t:ServiceInformation/t:ServiceName/t:Name", namespaces=NS): s for s in tl.findall(".//t:TSPService", NS)}
ca = svcs["Podpis Test Qualified CA"]
assert ca.findtext(".//t:X509Certificate", namespaces=NS) == der(pki + "/ca.pem")
quals = {q.get("uri").rsplit("/", 1)[1] for q in ca.findall(".//e:Qualifier", NS)}
assert {"QCForESig", "QCWithQSCD", "QCForESeal"} <= quals, quals
w = svcs["Podpis Test Withdrawn CA"]
assert w.findtext("t:ServiceInformation/t:ServiceStatus", namespaces=NS).endswith("/withdrawn")
assert w.findtext("t:ServiceHistory/t:ServiceHistoryInstance/t:ServiceStatus", namespaces=NS).endswith("/granted")
tsa = svcs["Podpis Test TSA"]
assert tsa.findtext("t:ServiceInformation/t:ServiceTypeIdentifier", namespaces=NS) == "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"
assert der(pki + "/tsa.pem") in [x.text for x in tsa.findall(".//t:X509Certificate", NS)]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
assert tl.findtext(".//t:NextUpdate/t:dateTime", namespaces=NS) > now
exp = ET.parse(tl_dir + "/tl-expired.xml").getroot()
assert exp.findtext(".//t:NextUpdate/t:dateTime", namespaces=NS) < now
EOF
}

check "certificates carry AIA (OCSP, caIssuers) and CDP of the bench; CRL-only CA: CDP only" t_aia_cdp
check "CRL server: CRLs, ca.cer, LOTL served; 404 for unknown names, 405 for POST" t_crl_server
check "current CRLs verify; revoked ones listed; openssl verify -crl_check_all" t_current_crls
check "matrix CRLs: signatures, hold listed then released, removeFromCRL, lastUpdate" t_past_crls
check "matrix OCSP: statuses, producedAt, CA-signed, unknown, other serial, unauthorised refused" t_ocsp_files
check "matrix CAdES: cms -verify -attime, signing-certificate-v2, time-stamp over the signature (ts -verify)" t_cades
check "expired TSA: its token does not verify today, its certificate has expired" t_expired_tsa
check "trusted lists valid against TS 119 612 v2.4.1 (xmllint --schema)" t_tl_schema
check "trusted lists: xmlsec1 --verify OK; bad signature, unannounced and unpinned signers refused" t_tl_signatures
check "trusted lists: LOTL announces the TL signer; services, qualifiers, history, NextUpdate" t_tl_content

echo "matrix-selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
