#!/usr/bin/env bash
# Test PKI of the Podpis test bench (openssl CLI only), imitating Polish
# qualified certificates. Everything is generated fresh into $STATE/pki
# (never into the git tree); private keys stay there (mode 600).
#
#   pki.sh generate            root CA, qualified CA, all end-entity keys and certs
#   pki.sh issue-openpgp PUB   certificate for the OpenPGP card's signing key
#                              (public key PEM) -> $STATE/pki/openpgp-sign.pem
#   pki.sh services            (re)issue tsa, ocsp and revoked with the existing
#                              CA (part of generate; upgrades an older PKI)
#   pki.sh ocsp-index          write $STATE/ocsp/index.txt (openssl ca format)
#                              for every certificate the qualified CA issued
#   pki.sh verification        (re)make the verification artefacts
#                              (verification.py generate: other CAs, the
#                              time/revocation matrix, the trusted lists)
#   pki.sh crls                current CRLs of every CA into $STATE/pki/crl
#                              and $STATE/pki/www (after ocsp-index)
#
# Files in $STATE/pki: root.pem, ca.pem, chain.pem (ca + root), NAME.pem,
# NAME.der, NAME.key (PKCS#8 PEM), NAME.pub.pem for NAME in objects.tsv, which
# lists NAME, token, CKA_ID, label and key type of every end-entity object.
# Not in objects.tsv (no token): tsa.pem (time-stamping, tsa-chain.pem =
# tsa + ca + root), ocsp.pem (OCSP signer), revoked.pem (listed as revoked
# in the OCSP index).
set -euo pipefail
TB_NAME=pki.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CNF="$TB_SCRIPTS/pki.cnf"
export PODPIS_PKI_CADB="$PKI_DIR/ca-db"
export OPENSSL_CONF="$CNF"
# AIA and CRL distribution points of the certificates point at the bench's
# services on the ports of this run (pki.cnf reads these).
export PODPIS_PKI_CRL_BASE="http://127.0.0.1:$CRL_PORT"
export PODPIS_PKI_OCSP_URL="http://127.0.0.1:$OCSP_PORT"
export PODPIS_PKI_ISSUER=ca

usage() { echo "usage: $0 generate | issue-openpgp PUBKEY.pem | services | ocsp-index | verification | crls" >&2; exit 2; }

ossl() {  # openssl with its output hidden unless it fails
    local out
    if ! out="$(openssl "$@" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "openssl $1 failed"
    fi
}

utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

genkey() {  # genkey FILE rsa:BITS|ec:CURVE
    case "$2" in
        rsa:*) ossl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$1" ;;
        ec:*) ossl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" -pkeyopt ec_param_enc:named_curve -out "$1" ;;
        *) die "unknown key type $2" ;;
    esac
    chmod 600 "$1"
}

# genkeys NAME=TYPE[=pub]...: all keys at once, in the background (RSA key
# generation is the slowest part of generate; this uses every core). With
# =pub, NAME.pub.pem as well.
genkeys() {
    local spec name rest pids=() names=() i rc=0
    for spec in "$@"; do
        name="${spec%%=*}"; rest="${spec#*=}"
        (
            genkey "$PKI_DIR/$name.key" "${rest%=pub}"
            case "$rest" in *=pub) ossl pkey -in "$PKI_DIR/$name.key" -pubout -out "$PKI_DIR/$name.pub.pem" ;; esac
        ) &
        pids+=("$!"); names+=("$name")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { rc=1; log "key generation failed: ${names[$i]}"; }
    done
    [ "$rc" -eq 0 ] || die "key generation failed"
}

init_cadb() {
    rm -rf "$PODPIS_PKI_CADB"
    mkdir -p "$PODPIS_PKI_CADB/newcerts"
    : > "$PODPIS_PKI_CADB/index.txt"
    echo "unique_subject = no" > "$PODPIS_PKI_CADB/index.txt.attr"
}

# sign NAME SUBJECT EXTENSIONS START END ISSUER_CERT ISSUER_KEY [selfsign]
sign() {
    local name="$1" subj="$2" ext="$3" start="$4" end="$5" icert="$6" ikey="$7" self="${8:-}"
    ossl req -new -utf8 -key "$PKI_DIR/$name.key" -subj "$subj" -out "$PKI_DIR/$name.csr"
    if [ -n "$self" ]; then
        ossl ca -batch -notext -utf8 -preserveDN -rand_serial -selfsign -keyfile "$ikey" \
            -in "$PKI_DIR/$name.csr" -extensions "$ext" -startdate "$start" -enddate "$end" -out "$PKI_DIR/$name.pem"
    else
        ossl ca -batch -notext -utf8 -preserveDN -rand_serial -cert "$icert" -keyfile "$ikey" \
            -in "$PKI_DIR/$name.csr" -extensions "$ext" -startdate "$start" -enddate "$end" -out "$PKI_DIR/$name.pem"
    fi
    rm -f "$PKI_DIR/$name.csr"
    ossl x509 -in "$PKI_DIR/$name.pem" -outform DER -out "$PKI_DIR/$name.der"
}

# Every end entity: NAME TOKEN ID LABEL KEYTYPE EXTENSIONS VALIDITY SUBJECT
# (VALIDITY: "current" = yesterday .. +2 years, "expired" = 2019-01-01 .. 2020-01-01)
ENTITIES=(
    "person-rsa|$SIGNER_TOKEN|01|Jan Kowalski (RSA)|rsa:2048|ext_person|current|/C=PL/CN=Jan Kowalski/GN=Jan/SN=Kowalski/serialNumber=PNOPL-80010112345"
    "person-ec|$SIGNER_TOKEN|02|Anna Nowak (EC)|ec:P-256|ext_person|current|/C=PL/CN=Anna Nowak/GN=Anna/SN=Nowak/serialNumber=PNOPL-85020254321"
    "person-pss|$SIGNER_TOKEN|03|Piotr Wisniewski (RSA-PSS)|rsa:3072|ext_person|current|/C=PL/CN=Piotr Wiśniewski/GN=Piotr/SN=Wiśniewski/serialNumber=PNOPL-75030398765"
    "expired|$SIGNER_TOKEN|04|Ewa Wojcik (expired)|rsa:2048|ext_person|expired|/C=PL/CN=Ewa Wójcik/GN=Ewa/SN=Wójcik/serialNumber=PNOPL-90040411111"
    "no-nonrep|$SIGNER_TOKEN|05|Tomasz Kaminski (no nonRepudiation)|rsa:2048|ext_no_nonrep|current|/C=PL/CN=Tomasz Kamiński/GN=Tomasz/SN=Kamiński/serialNumber=PNOPL-70050522222"
    "seal|$SEAL_TOKEN|01|Urzad Gminy Testowo (seal)|rsa:2048|ext_seal|current|/C=PL/O=Urząd Gminy Testowo/CN=Urząd Gminy Testowo/organizationIdentifier=VATPL-1234567890"
)
OPENPGP_SUBJECT="/C=PL/CN=Katarzyna Lewandowska/GN=Katarzyna/SN=Lewandowska/serialNumber=PNOPL-88060633333"

do_generate() {
    need_cmd openssl
    ensure_state_dirs
    # Fresh: drop earlier PKI output (keep the card's exported public key).
    find "$PKI_DIR" -mindepth 1 -maxdepth 1 ! -name openpgp-sign-pub.pem -exec rm -rf {} +
    init_cadb

    local now_start now_end
    now_start="$(utc '-1 day')"
    now_end="$(utc '+730 days')"

    local e name token id label ktype ext validity subj start end aa specs=()
    for e in "${ENTITIES[@]}"; do
        IFS='|' read -r name token id label ktype ext validity subj <<< "$e"
        specs+=("$name=$ktype=pub")
    done
    log "generating keys: root, ca, ${#specs[@]} end entities, tsa, ocsp, revoked"
    genkeys root=rsa:2048 ca=rsa:2048 "${specs[@]}" tsa=rsa:2048 ocsp=rsa:2048 revoked=rsa:2048=pub

    log "root CA and qualified CA"
    sign root "/C=PL/O=Podpis Test/CN=Podpis Test Root CA" ext_root \
        20150101000000Z 20450101000000Z "" "$PKI_DIR/root.key" selfsign
    sign ca "/C=PL/O=Podpis Test/organizationIdentifier=VATPL-0000000000/CN=Podpis Test Qualified CA" ext_qualified_ca \
        20160101000000Z 20400101000000Z "$PKI_DIR/root.pem" "$PKI_DIR/root.key"
    cat "$PKI_DIR/ca.pem" "$PKI_DIR/root.pem" > "$PKI_DIR/chain.pem"

    printf 'name\ttoken\tid\tlabel\tkey\talways_auth\tcert\n' > "$PKI_DIR/objects.tsv"
    for e in "${ENTITIES[@]}"; do
        IFS='|' read -r name token id label ktype ext validity subj <<< "$e"
        log "$name: $ktype, $subj"
        if [ "$validity" = expired ]; then start=20190101000000Z; end=20200101000000Z
        else start="$now_start"; end="$now_end"; fi
        sign "$name" "$subj" "$ext" "$start" "$end" "$PKI_DIR/ca.pem" "$PKI_DIR/ca.key"
        aa=no; [ "$name" = person-rsa ] && aa=yes
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$token" "$id" "$label" "$ktype" "$aa" "$PKI_DIR/$name.pem" >> "$PKI_DIR/objects.tsv"
    done

    # Self-check: each chain verifies (the expired one only at a past time),
    # and the QCStatements DER parses.
    ossl verify -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" \
        "$PKI_DIR"/{person-rsa,person-ec,person-pss,no-nonrep,seal}.pem
    ossl verify -attime 1560000000 -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/expired.pem"
    if openssl verify -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/expired.pem" >/dev/null 2>&1; then
        die "expired.pem verifies today: it should have expired"
    fi
    openssl x509 -in "$PKI_DIR/person-rsa.pem" -noout -ext qcStatements >/dev/null 2>&1 \
        || openssl x509 -in "$PKI_DIR/person-rsa.pem" -noout -text | grep -q 'qcStatements\|1\.3\.6\.1\.5\.5\.7\.1\.3' \
        || die "person-rsa.pem has no QCStatements extension"
    do_services keys-ready
    chmod 600 "$PKI_DIR"/*.key
    do_verification
    log "PKI ready in $PKI_DIR"
}

REVOKED_SUBJECT="/C=PL/CN=Marek Zieliński (revoked)/GN=Marek/SN=Zieliński/serialNumber=PNOPL-65070744444"

# Certificates for the loopback services, issued by the qualified CA: the
# TSA (tsa.py), the OCSP responder (ocsp.sh) and one person certificate that
# the OCSP index lists as revoked. With "keys-ready", generate made the keys.
do_services() {
    need_cmd openssl
    { [ -f "$PKI_DIR/ca.pem" ] && [ -f "$PKI_DIR/ca.key" ]; } || die "no qualified CA in $PKI_DIR: run pki.sh generate first"
    [ -f "$PODPIS_PKI_CADB/index.txt" ] || init_cadb
    local start end
    start="$(utc '-1 day')"
    end="$(utc '+730 days')"
    log "tsa, ocsp, revoked: RSA-2048, issued by the qualified CA"
    [ "${1:-}" = keys-ready ] || genkeys tsa=rsa:2048 ocsp=rsa:2048 revoked=rsa:2048=pub
    sign tsa "/C=PL/O=Podpis Test/CN=Podpis Test TSA" ext_tsa "$start" "$end" "$PKI_DIR/ca.pem" "$PKI_DIR/ca.key"
    cat "$PKI_DIR/tsa.pem" "$PKI_DIR/ca.pem" "$PKI_DIR/root.pem" > "$PKI_DIR/tsa-chain.pem"
    sign ocsp "/C=PL/O=Podpis Test/CN=Podpis Test OCSP" ext_ocsp "$start" "$end" "$PKI_DIR/ca.pem" "$PKI_DIR/ca.key"
    sign revoked "$REVOKED_SUBJECT" ext_revoked "$start" "$end" "$PKI_DIR/ca.pem" "$PKI_DIR/ca.key"
    ossl verify -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/revoked.pem"
    ossl verify -purpose timestampsign -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/tsa.pem"
    ossl verify -purpose ocsphelper -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/ocsp.pem"
    chmod 600 "$PKI_DIR"/tsa.key "$PKI_DIR"/ocsp.key "$PKI_DIR"/revoked.key
}

# $STATE/ocsp/index.txt for `openssl ocsp -index`: every certificate in
# $PKI_DIR issued by the qualified CA (openpgp-sign.pem too, once it exists),
# status V, except revoked.pem: R, keyCompromise. Run again after issuing more.
do_ocsp_index() {
    need_cmd openssl
    [ -f "$PKI_DIR/ca.pem" ] || die "no qualified CA in $PKI_DIR: run pki.sh generate first"
    local dir="$OCSP_DIR" ca_hash f name line serial notafter subj exp hash st rev count=0
    mkdir -p "$dir"
    ca_hash="$(openssl x509 -in "$PKI_DIR/ca.pem" -noout -subject_hash)"
    rev="$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)"
    : > "$dir/index.txt.tmp"
    for f in "$PKI_DIR"/*.pem; do
        name="$(basename "$f" .pem)"
        case "$name" in root|ca|chain|tsa-chain|*.pub|*-pub) continue ;; esac
        # One openssl call per file; lines come back as "hash", "serial=..",
        # "notAfter=..", "subject=..". Files that are not certificates fail.
        line="$(openssl x509 -in "$f" -noout -issuer_hash -serial -enddate -subject -nameopt compat 2>/dev/null)" || continue
        hash="$(sed -n 1p <<< "$line")"
        [ "$hash" = "$ca_hash" ] || continue
        serial="$(sed -n 's/^serial=//p' <<< "$line")"
        notafter="$(sed -n 's/^notAfter=//p' <<< "$line")"
        subj="$(sed -n 's/^subject=//p' <<< "$line")"
        # UTCTime (YYMMDDHHMMSSZ): every certificate here ends before 2050.
        exp="$(date -u -d "$notafter" +%y%m%d%H%M%SZ)"
        st=V; [ "$name" = revoked ] && st=R
        if [ "$st" = R ]; then
            printf 'R\t%s\t%s,keyCompromise\t%s\tunknown\t%s\n' "$exp" "$rev" "$serial" "$subj" >> "$dir/index.txt.tmp"
        else
            printf 'V\t%s\t\t%s\tunknown\t%s\n' "$exp" "$serial" "$subj" >> "$dir/index.txt.tmp"
        fi
        count=$((count + 1))
    done
    # The certificates verification.py issued with the qualified CA (the
    # matrix signers, as they stand now; past-valid TSA and OCSP certificates).
    if [ -f "$PKI_DIR/verify/ca-status.txt" ]; then
        cat "$PKI_DIR/verify/ca-status.txt" >> "$dir/index.txt.tmp"
        count=$((count + $(wc -l < "$PKI_DIR/verify/ca-status.txt")))
    fi
    echo "unique_subject = no" > "$dir/index.txt.attr"
    mv "$dir/index.txt.tmp" "$dir/index.txt"
    log "OCSP index: $count certificates of the qualified CA in $dir/index.txt"
}

# Verification artefacts (verification.py, trustedlist.py): needs faketime,
# xmlsec1, xmllint and Debian's python3-asn1crypto (install-deps.sh).
do_verification() {
    need_cmd openssl faketime xmlsec1 xmllint
    "$TB_PYTHON" -c 'import asn1crypto' 2>/dev/null \
        || die "'$TB_PYTHON' cannot import asn1crypto (python3-asn1crypto): run testbed/install-deps.sh"
    PYTHONDONTWRITEBYTECODE=1 "$TB_PYTHON" "$TB_SCRIPTS/verification.py" generate
}

do_crls() {
    need_cmd openssl
    [ -f "$OCSP_DIR/index.txt" ] || do_ocsp_index
    PYTHONDONTWRITEBYTECODE=1 "$TB_PYTHON" "$TB_SCRIPTS/verification.py" crls
}

do_issue_openpgp() {
    local pub="$1"
    [ -f "$pub" ] || die "public key file not found: $pub"
    { [ -f "$PKI_DIR/ca.pem" ] && [ -f "$PKI_DIR/ca.key" ]; } || die "no qualified CA in $PKI_DIR: run pki.sh generate first"
    # The key is on the card: a certificate from scratch with the card's
    # public key forced in, signed by the qualified CA.
    ossl x509 -new -subj "$OPENPGP_SUBJECT" -force_pubkey "$pub" \
        -CA "$PKI_DIR/ca.pem" -CAkey "$PKI_DIR/ca.key" -set_serial "0x40$(openssl rand -hex 15)" \
        -days 730 -extfile "$CNF" -extensions ext_person -out "$PKI_DIR/openpgp-sign.pem"
    ossl x509 -in "$PKI_DIR/openpgp-sign.pem" -outform DER -out "$PKI_DIR/openpgp-sign.der"
    ossl verify -CAfile "$PKI_DIR/root.pem" -untrusted "$PKI_DIR/ca.pem" "$PKI_DIR/openpgp-sign.pem"
    log "OpenPGP card certificate: $PKI_DIR/openpgp-sign.pem"
}

[ $# -ge 1 ] || usage
case "$1" in
    generate) [ $# -eq 1 ] || usage; do_generate ;;
    issue-openpgp) [ $# -eq 2 ] || usage; do_issue_openpgp "$2" ;;
    services) [ $# -eq 1 ] || usage; ensure_state_dirs; do_services ;;
    ocsp-index) [ $# -eq 1 ] || usage; do_ocsp_index ;;
    verification) [ $# -eq 1 ] || usage; ensure_state_dirs; do_verification ;;
    crls) [ $# -eq 1 ] || usage; do_crls ;;
    *) usage ;;
esac
