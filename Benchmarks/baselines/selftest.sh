#!/usr/bin/env bash
# Checks both benchmark baselines end to end on a throwaway token:
#   make_token.sh -> N zaświadczenie-like XML files (~10 KB) and N PDF-named
#   files (~10 KB) -> openssl_engine_cms.sh over the PDFs, signxml_pkcs11.py
#   over the XML -> every output verified (openssl cms -verify -cades,
#   xmlsec1 --verify against the bench PKI) -> one tampered copy of each kind
#   must fail -> prints the JSON lines and "selftest: OK".
#
# Usage: selftest.sh [--key-type rsa|ec|both] [--count N] [--cms-on pdf|xml] [--keep DIR]
#   defaults: rsa, 20, pdf. --cms-on xml gives the CMS baseline the same XML
#   files as the XAdES one (the benchmark figures in README.md).
#   --keep DIR: work in DIR (must not exist) and leave it there.
# Never touches the shared bench's tokens; needs only <repo>/.testbed/pki,
# and calls install.sh (idempotent) first.
set -euo pipefail

die() { printf 'selftest: FAIL: %s\n' "$*" >&2; exit 1; }
trap 'printf "selftest: FAIL: line %s exited %s\n" "$LINENO" "$?" >&2' ERR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PKI="${PODPIS_BENCH_PKI:-$REPO/.testbed/pki}"
MODULE="${PODPIS_BENCH_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
PY=/usr/bin/python3

KEY_TYPES=(rsa); COUNT=20; CMS_ON=pdf; KEEP=""
while [ $# -gt 0 ]; do
    case "$1" in
        --key-type) case "${2:-}" in rsa|ec) KEY_TYPES=("$2") ;; both) KEY_TYPES=(rsa ec) ;; *) die "--key-type rsa|ec|both" ;; esac; shift 2 ;;
        --count) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--count N"; COUNT="$2"; shift 2 ;;
        --cms-on) case "${2:-}" in pdf|xml) CMS_ON="$2" ;; *) die "--cms-on pdf|xml" ;; esac; shift 2 ;;
        --keep) if [ -z "${2:-}" ] || [ -e "$2" ]; then die "--keep DIR (a new directory)"; fi; KEEP="$2"; shift 2 ;;
        *) die "unknown argument $1 (usage: selftest.sh [--key-type rsa|ec|both] [--count N] [--cms-on pdf|xml] [--keep DIR])" ;;
    esac
done

[ -f "$PKI/chain.pem" ] || die "$PKI missing: the test bench is down (testbed/up.sh makes the PKI)"
"$HERE/install.sh" >/dev/null 2>&1 || { "$HERE/install.sh" || true; die "install.sh failed"; }

if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP"; WORK="$(cd "$KEEP" && pwd)"
else
    WORK="$(mktemp -d)"
    trap 'rm -rf "$WORK"' EXIT
fi
# The bench's env may be loaded: never let its SOFTHSM2_CONF or OPENSSL_CONF through.
unset SOFTHSM2_CONF OPENSSL_CONF

# ---- documents ---------------------------------------------------------------
mkdir -p "$WORK/xml" "$WORK/pdf"
"$PY" - "$WORK/xml" "$WORK/pdf" "$COUNT" <<'PYEOF'
import os, random, sys
xml_dir, pdf_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(8)
imiona = ["Zofia", "Łukasz", "Małgorzata", "Grzegorz", "Agnieszka", "Jędrzej", "Bożena", "Wojciech", "Żaneta", "Mikołaj"]
nazwiska = ["Wiśniewska", "Kowalczyk", "Zieliński", "Woźniak", "Dąbrowska", "Kozłowski", "Jankowska", "Mazur", "Krawczyk", "Sęk"]
ulice = ["ul. Źródlana", "ul. Słoneczna", "ul. Żeromskiego", "al. Niepodległości", "ul. Łąkowa", "ul. Kościuszki"]
miejsca = ["Testowo", "Gęsia Wólka", "Łódź", "Kraków", "Świętochłowice", "Zielona Góra"]

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

for i in range(1, n + 1):
    imie, nazwisko = rng.choice(imiona), rng.choice(nazwiska)
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<Zaswiadczenie xmlns="urn:podpis:bench:zaswiadczenie:1" wersja="1.0">
  <Naglowek>
    <Numer>USC.5361.{i:05d}.2026</Numer>
    <DataWydania>2026-11-{(i % 28) + 1:02d}</DataWydania>
    <Organ>
      <Nazwa>Urząd Gminy Testowo</Nazwa>
      <Adres>ul. Główna 1, 00-950 Testowo</Adres>
      <REGON>000000000</REGON>
    </Organ>
    <Rodzaj>Zaświadczenie o zameldowaniu na pobyt stały</Rodzaj>
    <PodstawaPrawna>art. 217 § 1 ustawy z dnia 14 czerwca 1960 r. – Kodeks postępowania administracyjnego</PodstawaPrawna>
  </Naglowek>
  <Osoba>
    <Imie>{imie}</Imie>
    <Nazwisko>{nazwisko}</Nazwisko>
    <PESEL>{rng.randrange(10**10, 10**11)}</PESEL>
    <DataUrodzenia>19{rng.randrange(40, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}</DataUrodzenia>
    <MiejsceUrodzenia>{rng.choice(miejsca)}</MiejsceUrodzenia>
  </Osoba>
  <Tresc>Zaświadcza się, że {imie} {nazwisko} jest zameldowana/zameldowany na pobyt stały pod adresem wskazanym poniżej. Zaświadczenie wydaje się na wniosek strony w celu przedłożenia w zakładzie pracy. Opłata skarbowa: 17,00 zł.</Tresc>
  <HistoriaZameldowania>
"""
    tail = """  </HistoriaZameldowania>
  <Pouczenie>Na odmowę wydania zaświadczenia służy zażalenie. Dokument opatrzono kwalifikowaną pieczęcią elektroniczną urzędu.</Pouczenie>
</Zaswiadczenie>
"""
    body, k = [], 0
    size = len((head + tail).encode())
    while size < 10 * 1024 - 300:
        k += 1
        line = (f'    <Wpis lp="{k}"><Adres>{esc(rng.choice(ulice))} {rng.randrange(1, 200)}/{rng.randrange(1, 60)}, '
                f'{rng.randrange(10, 99)}-{rng.randrange(100, 999)} {rng.choice(miejsca)}</Adres>'
                f'<Od>20{rng.randrange(0, 25):02d}-0{rng.randrange(1, 9)}-{rng.randrange(10, 28)}</Od>'
                f'<Uwagi>Wpis przeniesiony z rejestru mieszkańców; zgłoszenie przyjął urzędnik nr {rng.randrange(100, 999)}.</Uwagi></Wpis>\n')
        body.append(line)
        size += len(line.encode())
    with open(os.path.join(xml_dir, f"zaswiadczenie-{i:04d}.xml"), "w", encoding="utf-8") as f:
        f.write(head + "".join(body) + tail)
    with open(os.path.join(pdf_dir, f"zaswiadczenie-{i:04d}.pdf"), "wb") as f:
        data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(10 * 1024 - 32) + b"\n%%EOF\n"
        f.write(data)
PYEOF
[ "$(find "$WORK/xml" -type f | wc -l)" -eq "$COUNT" ] || die "document generation failed"
CMS_IN="$WORK/$CMS_ON"

XMLSEC_ARGS=(--verify --trusted-pem "$PKI/root.pem" --untrusted-pem "$PKI/ca.pem" --enabled-key-data x509
             --id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties')

json_documents() { sed -n 's/.*"documents":\([0-9]*\).*/\1/p' <<<"$1"; }

# run_baseline VAR WHAT CMD...: runs a baseline, checks that its JSON line
# counts COUNT documents and stores that line in VAR.
run_baseline() {
    local var="$1" what="$2" out; shift 2
    out="$("$@")" || die "$what failed"
    [ "$(json_documents "$out")" = "$COUNT" ] || die "$what printed: $out"
    printf -v "$var" '%s' "$out"
}

# verify_outputs WHAT IN_DIR OUT_DIR SUFFIX CHECK: for every input IN_DIR/F,
# OUT_DIR/F+SUFFIX exists and `CHECK WHAT INPUT OUTPUT` passes (it dies
# otherwise); all COUNT of them.
verify_outputs() {
    local what="$1" in_dir="$2" out_dir="$3" suffix="$4" check="$5" f sig n=0
    for f in "$in_dir"/*; do
        sig="$out_dir/$(basename "$f")$suffix"
        [ -s "$sig" ] || die "no output $sig"
        "$check" "$what" "$f" "$sig"
        n=$((n + 1))
    done
    [ "$n" -eq "$COUNT" ] || die "$what: $n of $COUNT verified"
}
cms_verifies() {
    openssl cms -verify -cades -binary -inform DER -in "$3" -content "$2" \
        -CAfile "$PKI/chain.pem" -purpose any -out /dev/null 2>"$WORK/err" \
        || { cat "$WORK/err" >&2; die "$1 does not verify: $3"; }
}
xades_verifies() {
    xmlsec1 "${XMLSEC_ARGS[@]}" "$3" >"$WORK/err" 2>&1 \
        || { cat "$WORK/err" >&2; die "$1 does not verify: $3"; }
    grep -q 'SignedInfo References (ok/all): 3/3' "$WORK/err" || { cat "$WORK/err" >&2; die "$1: not 3/3 references ok: $3"; }
}

lines=()
for kt in "${KEY_TYPES[@]}"; do
    PIN="$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')"   # throwaway token
    conf="$("$HERE/make_token.sh" "$WORK/token-$kt" "$PIN" "$kt")" || die "make_token.sh ($kt) failed"
    cert="$WORK/token-$kt/cert.pem"

    # ---- baseline 1: openssl + pkcs11 engine, one process per document
    out_cms="$WORK/out-cms-$kt"
    run_baseline j1 "openssl_engine_cms.sh ($kt)" \
        env SOFTHSM2_CONF="$conf" "$HERE/openssl_engine_cms.sh" "$CMS_IN" "$out_cms" "$PIN" "$kt"
    verify_outputs "CMS ($kt)" "$CMS_IN" "$out_cms" .p7s cms_verifies
    # the signature is over the content: one byte changed must fail
    # (no `| head` or `| grep -q` here: under pipefail their early exit is a SIGPIPE failure)
    cms_files=("$CMS_IN"/*); first="${cms_files[0]}"
    { cat "$first"; printf 'x'; } >"$WORK/tampered"
    if openssl cms -verify -binary -inform DER -in "$out_cms/$(basename "$first").p7s" -content "$WORK/tampered" \
            -CAfile "$PKI/chain.pem" -purpose any -out /dev/null 2>/dev/null; then
        die "CMS ($kt) verifies over changed content"
    fi
    # the algorithm is the one asked for
    case "$kt" in rsa) alg='rsaEncryption|sha256WithRSAEncryption' ;; ec) alg='ecdsa-with-SHA256' ;; esac
    openssl cms -cmsout -print -inform DER -in "$out_cms/$(basename "$first").p7s" >"$WORK/cms.txt"
    grep -Eq "algorithm: ($alg) " "$WORK/cms.txt" \
        || die "CMS ($kt): unexpected signature algorithm"

    # ---- baseline 2: signxml XAdES + python-pkcs11, one process
    out_x="$WORK/out-xades-$kt"
    run_baseline j2 "signxml_pkcs11.py ($kt)" \
        env SOFTHSM2_CONF="$conf" "$PY" "$HERE/signxml_pkcs11.py" --input "$WORK/xml" --output "$out_x" \
            --module "$MODULE" --token "Bench Seal" --pin "$PIN" --cert "$cert" --key-type "$kt"
    verify_outputs "XAdES ($kt)" "$WORK/xml" "$out_x" "" xades_verifies
    x_files=("$out_x"/*); first="${x_files[0]}"
    grep -q 'xades:SigningCertificateV2' "$first" || die "XAdES ($kt): no SigningCertificateV2"
    case "$kt" in rsa) alg='xmldsig-more#rsa-sha256' ;; ec) alg='xmldsig-more#ecdsa-sha256' ;; esac
    grep -q "SignatureMethod Algorithm=\"http://www.w3.org/2001/04/$alg\"" "$first" || die "XAdES ($kt): unexpected SignatureMethod"
    sed 's/Urząd Gminy Testowo/Urząd Gminy Testowa/' "$first" >"$WORK/tampered.xml"
    cmp -s "$first" "$WORK/tampered.xml" && die "XAdES ($kt): tamper step changed nothing"
    if xmlsec1 "${XMLSEC_ARGS[@]}" "$WORK/tampered.xml" >/dev/null 2>&1; then
        die "XAdES ($kt) verifies over changed content"
    fi

    lines+=("$j1" "$j2")
done

printf '%s\n' "${lines[@]}"
echo "selftest: OK"
