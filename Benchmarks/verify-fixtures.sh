#!/usr/bin/env bash
# Fixtures for VerificationBenchmark, made on the running test bench:
# COUNT 10 KB zaświadczenia signed XAdES enveloped B-T and CAdES attached
# B-T with a P-256 key (person-ec) and an RSA-2048 key (the seal), the
# bench's test trusted lists as a cache, and the revocation data of each
# signer fetched once into a revocation cache (what a desk has after its
# first verification of the day).
#   bash Benchmarks/verify-fixtures.sh PODPIS DIR [COUNT]
set -euo pipefail
podpis="$1"; dir="$2"; count="${3:-2000}"
set -a; . .testbed/env; set +a
rm -rf "$dir"; mkdir -p "$dir/docs" "$dir/tl" "$dir/revocation"
/usr/bin/python3 - "$dir/docs" "$count" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
filler = "Zaświadcza się, że wnioskodawca jest zameldowany na pobyt stały. " * 150
for i in range(n):
    open(f"{d}/z{i:05d}.xml", "w", encoding="utf-8").write(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Zaswiadczenie Id="z{i}"><Numer>{i}</Numer><Tresc>{filler[:9800]}</Tresc></Zaswiadczenie>\n')
PY
id() { openssl x509 -in "$PODPIS_PKI_DIR/$1.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f | cut -c1-16; }
sign() { # set key-pem pin format
    local set="$1" pem="$2" pin="$3" format="$4" cert
    cert="$(id "$pem")"
    mkdir -p "$dir/$set"
    cp "$dir"/docs/*.xml "$dir/$set/"
    if [ "$format" = cades ]; then
        # One process signs every file, one .p7s each.
        echo "$pin" | "$podpis" sign --format cades --level B-T --tsa "$PODPIS_TSA_URL" --cert "$cert" --pin-fd 0 "$dir/$set"/*.xml > /dev/null
    else
        # XAdES with several files makes one signature over all of them: one process per file
        # (one at a time: two processes logging in to one SoftHSM token at once sometimes miss its objects).
        printf '%s\n' "$dir/$set"/*.xml | PIN="$pin" CERT="$cert" PODPIS="$podpis" xargs -P 1 -I{} sh -c \
            'echo "$PIN" | "$PODPIS" sign --format xades --level B-T --tsa "$PODPIS_TSA_URL" --cert "$CERT" --pin-fd 0 "$1" > /dev/null' _ {}
    fi
    rm "$dir/$set"/*.xml
}
sign xades-p256 person-ec "$PODPIS_SIGNER_PIN" xades
sign cades-p256 person-ec "$PODPIS_SIGNER_PIN" cades
sign xades-rsa seal "$PODPIS_SEAL_PIN" xades
sign cades-rsa seal "$PODPIS_SEAL_PIN" cades
cp "$PODPIS_TL_DIR/EU-TEST-LOTL.xml" "$dir/tl/EU.xml"
cp "$PODPIS_TL_DIR/PL-TEST-TL.xml" "$dir/tl/PL.xml"
cp "$PODPIS_TEST_LOTL_PINNED_CERT" "$dir/pins.pem"
for set in xades-p256 cades-p256 xades-rsa cades-rsa; do
    signed=("$dir/$set"/*)  # not `ls | head`: with pipefail, head's early exit fails ls with SIGPIPE
    "$podpis" verify "${signed[0]}" --trusted-lists "$dir/tl" --lotl-pins "$dir/pins.pem" --online \
        --allow-address 127.0.0.1/32 --revocation-cache "$dir/revocation" > /dev/null || true  # the exit code is the verdict
done
[ "$(ls "$dir/revocation" | wc -l)" -gt 0 ] || { echo "verify-fixtures: no revocation data was cached" >&2; exit 1; }
echo "verify-fixtures: $count × 4 sets in $dir"
