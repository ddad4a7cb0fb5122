#!/usr/bin/env bash
# make deb-test: the Debian package, checked the way an IT department meets it.
#   1. make deb (scripts/deb.sh), unless PODPIS_DEB names a built package;
#   2. lintian: no error, and every warning is one docs/deployment.md lists
#      with its reason ("The Debian package"; a new warning fails);
#   3. a clean Debian 12 root from Debian's packages (debootstrap --variant=
#      minbase bookworm; kept as a tarball in .build-debroot/ and reused), and
#      in it, as root:
#      - apt-get install ./podpis_*.deb pulls the declared dependencies;
#      - podpis --version and podpisd --version print the package's version;
#        man -w finds podpis(1), podpis.sign(1), podpisd(8), podpisd.toml(5);
#      - podpis doctor --json reports pcscd as installed but not running, and,
#        with the bench's pcscd socket bind-mounted on /run/pcscd (the
#        virtual reader and card, when .testbed/env is there), as running with
#        the virtual reader;
#      - podpisd --check-config and podpisd --system --check-config pass on the
#        installed default configuration;
#      - systemd-analyze verify passes (no output) on the installed units;
#      - udev parses the rule: `udevadm test` (systemd 252 has no `udevadm
#        verify`) reads every rules file and names any line it cannot parse;
#        a deliberately broken copy proves the check can fail;
#      - dpkg -L lists every file the package must hold;
#      - podpis setup desk --answers FILE writes a configuration podpisd
#        accepts and enables the user unit; a second run changes nothing;
#      - apt-get purge leaves no file of the package behind, only the
#        documented ones (/var/lib/podpis, /var/spool/podpis).
# Usage: bash scripts/deb-test.sh      (root; network to deb.debian.org the first time)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"

say() { printf 'deb-test: %s\n' "$*"; }
failures=0
fail() { printf 'deb-test: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
die() { printf 'deb-test: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, mounts)"
for tool in debootstrap lintian dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (testbed/install-deps.sh installs it)"
done

VERSION="$(bash scripts/version.sh)"
DEB="${PODPIS_DEB:-$REPO/podpis_${VERSION}_amd64.deb}"
if [ -z "${PODPIS_DEB:-}" ]; then bash scripts/deb.sh; fi
[ -f "$DEB" ] || die "no package $DEB"

# ---- lintian -------------------------------------------------------------
say "lintian $(lintian --version | awk '{print $2}')"
lintian_out="$(lintian --tag-display-limit 0 --display-level '>=warning' "$DEB" 2>&1 || true)"
printf '%s\n' "$lintian_out" | sed 's/^/  lintian: /'
if printf '%s\n' "$lintian_out" | grep -q '^E: '; then fail "lintian reports errors"; fi
# The warnings left, each explained in docs/deployment.md as "- `TAG` …"
# under "### lintian warnings left".
documented="$(sed -n '/^### lintian warnings left/,/^#/p' docs/deployment.md | sed -n 's/^- `\([a-z0-9-]*\)`.*/\1/p')"
while read -r tag; do
    [ -n "$tag" ] || continue
    printf '%s\n' "$documented" | grep -qx "$tag" || fail "lintian warning $tag is not explained in docs/deployment.md (lintian warnings left)"
done < <(printf '%s\n' "$lintian_out" | sed -n 's/^W: podpis[^:]*: \([a-z0-9-]*\).*/\1/p' | sort -u)

# ---- a clean Debian 12 root ----------------------------------------------
CACHE="$REPO/.build-debroot"
TARBALL="$CACHE/bookworm-minbase.tar"
ROOT="$CACHE/root"
MIRROR="${PODPIS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$CACHE"
mounted=()
# Removes the root, never what is mounted into it: whatever is still mounted
# under it (a run that was killed) is detached first, and rm stays on the
# root's own file system (/dev, /sys and /proc are bound into it).
remove_root() {
    local mount
    while read -r mount; do
        [ -n "$mount" ] && umount -l "$mount" 2>/dev/null || true
    done < <(findmnt -rn -o TARGET | grep -F "$ROOT/" | sort -r)
    rm -rf --one-file-system "$ROOT"
}
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
    remove_root
}
trap cleanup EXIT
remove_root
if [ ! -f "$TARBALL" ]; then
    say "debootstrap --variant=minbase bookworm from $MIRROR"
    debootstrap --variant=minbase bookworm "$CACHE/fresh" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
        || { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    tar -C "$CACHE/fresh" -cf "$TARBALL.part" . && mv "$TARBALL.part" "$TARBALL"
    rm -rf "$CACHE/fresh"
fi
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$TARBALL"
mount -t proc proc "$ROOT/proc" && mounted+=("$ROOT/proc")
mount --bind /dev "$ROOT/dev" && mounted+=("$ROOT/dev")
mount --bind /sys "$ROOT/sys" && mounted+=("$ROOT/sys")
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# No service starts inside the root (Debian's policy-rc.d convention).
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

cp "$DEB" "$ROOT/tmp/"
debname="$(basename "$DEB")"
say "apt-get install ./$debname in the clean root"
in_root apt-get update -q > "$CACHE/apt.log" 2>&1 || { tail -n 20 "$CACHE/apt.log" >&2; die "apt-get update failed"; }
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./tmp/$debname" >> "$CACHE/apt.log" 2>&1 \
    || { tail -n 30 "$CACHE/apt.log" >&2; die "apt-get install ./$debname failed (log: $CACHE/apt.log)"; }
for dep in pcscd p11-kit libpcsclite1 libxml2 opensc-pkcs11; do
    in_root dpkg-query -W -f '${Status}' "$dep" 2>/dev/null | grep -q 'install ok installed' \
        || fail "$dep was not pulled in by apt-get install ./$debname"
done
say "pulled in: $(grep -c '^Setting up' "$CACHE/apt.log") packages"
# The checks' own tools, installed after: the package must not need them.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends man-db systemd udev >> "$CACHE/apt.log" 2>&1 \
    || { tail -n 30 "$CACHE/apt.log" >&2; die "installing man-db, systemd, udev in the root failed"; }

# ---- the installed package -----------------------------------------------
got="$(in_root podpis --version)"; [ "$got" = "$VERSION" ] || fail "podpis --version: '$got', expected $VERSION"
got="$(in_root podpisd --version)"; [ "$got" = "$VERSION" ] || fail "podpisd --version: '$got', expected $VERSION"
say "podpis --version: $got"
for page in podpis podpis.sign podpis.setup podpis.doctor podpisd podpisd.toml; do
    where="$(in_root man -w "$page" 2>&1)" || fail "man -w $page: $where"
done
say "man -w podpisd.toml: $(in_root man -w podpisd.toml)"

doctor_pcscd() {  # the pcscd-service finding's code (the doctor exits 2 on a problem)
    local report
    report="$(in_root podpis doctor --json "$@" 2>/dev/null || true)"
    printf '%s' "$report" | python3 -c '
import json, sys
report = json.load(sys.stdin)
codes = [f.get("code") for f in report.get("findings", []) if f.get("check") == "pcscd-service"]
print(codes[0] if codes else "none")' 2>/dev/null || echo "unreadable"
}
got="$(doctor_pcscd)"
[ "$got" = "pcscd-not-running" ] || fail "podpis doctor --json without pcscd: pcscd-service is '$got', expected pcscd-not-running"
say "podpis doctor --json (no pcscd): $got"

BENCH_SOCKET=""
if [ -f .testbed/env ]; then
    BENCH_SOCKET="$(sed -n 's/^\(export \)\{0,1\}PCSCLITE_CSOCK_NAME=//p' .testbed/env | tr -d "'\"")"
fi
if [ -n "$BENCH_SOCKET" ] && [ -S "$BENCH_SOCKET" ]; then
    mkdir -p "$ROOT/run/pcscd"
    mount --bind "$(dirname "$BENCH_SOCKET")" "$ROOT/run/pcscd" && mounted+=("$ROOT/run/pcscd")
    got="$(doctor_pcscd)"
    [ "$got" = "pcscd-running" ] || fail "podpis doctor --json with the bench's pcscd: '$got', expected pcscd-running"
    readers="$(in_root podpis readers 2>&1 || true)"
    printf '%s\n' "$readers" | grep -qi 'virtual' || fail "podpis readers in the root does not show the virtual reader: $readers"
    say "podpis doctor --json (the bench's pcscd): $got; readers: $(printf '%s' "$readers" | grep -ci virtual) virtual"
else
    say "no bench pcscd (.testbed/env): the virtual reader part is skipped"
    [ "${CI:-}" != true ] || fail "CI runs this with the bench up (scripts/test.sh)"
fi

out="$(in_root podpisd --check-config 2>&1)" || fail "podpisd --check-config on the installed default: $out"
printf '%s\n' "$out" | grep -q '^OK: /etc/podpis/podpisd.toml' || fail "podpisd --check-config did not read /etc/podpis/podpisd.toml: $out"
out="$(in_root podpisd --system --check-config 2>&1)" || fail "podpisd --system --check-config: $out"
say "podpisd --check-config: $(printf '%s' "$out" | tail -n 1)"

mkdir -p "$ROOT/run/user/0"
for unit in /usr/lib/systemd/system/podpisd.service; do
    out="$(in_root systemd-analyze verify --man=no --generators=no --recursive-errors=no "$unit" 2>&1)"
    [ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
done
for unit in /usr/lib/systemd/user/podpisd.service /usr/lib/systemd/user/podpis-tl-refresh.service /usr/lib/systemd/user/podpis-tl-refresh.timer; do
    out="$(in_root env XDG_RUNTIME_DIR=/run/user/0 systemd-analyze --user verify --man=no --generators=no --recursive-errors=no "$unit" 2>&1)"
    [ -z "$out" ] || fail "systemd-analyze --user verify $unit: $out"
done
say "systemd-analyze verify: the installed units pass"

udev_parse() {  # what udevadm test says about our rules file
    in_root udevadm test --action=add /sys/devices/virtual/mem/null 2>&1 | grep -F "$1" || true
}
out="$(udev_parse 70-podpis-tokens.rules)"
printf '%s\n' "$out" | grep -q 'Reading rules file: /usr/lib/udev/rules.d/70-podpis-tokens.rules' \
    || fail "udevadm test did not read /usr/lib/udev/rules.d/70-podpis-tokens.rules: $out"
if printf '%s\n' "$out" | grep -qiE 'invalid|error|failed|unknown'; then fail "udev cannot parse the rule: $out"; fi
# The same check on a broken copy must fail: the check can see a bad rule.
printf 'SUBSYSTEM=="usb", ATTR{idVendor}=="0529" TAG+="uaccess"\nNOT_A_KEY=="x", TAG+="uaccess"\n' > "$ROOT/etc/udev/rules.d/71-podpis-broken.rules"
out="$(udev_parse 71-podpis-broken.rules)"
printf '%s\n' "$out" | grep -qiE 'invalid|error|failed|unknown' || fail "udevadm test did not notice a broken rules file: $out"
rm -f "$ROOT/etc/udev/rules.d/71-podpis-broken.rules"
say "udev: the rule parses (udevadm test; a broken copy is reported)"

listed="$(in_root dpkg -L podpis)"
for path in /usr/bin/podpis /usr/sbin/podpisd \
    /usr/lib/systemd/system/podpisd.service /usr/lib/systemd/user/podpisd.service \
    /usr/lib/systemd/user/podpis-tl-refresh.service /usr/lib/systemd/user/podpis-tl-refresh.timer \
    /usr/lib/sysusers.d/podpis.conf /usr/lib/tmpfiles.d/podpis.conf /usr/lib/udev/rules.d/70-podpis-tokens.rules \
    /etc/podpis/podpisd.toml /usr/share/doc/podpis/deployment.md /usr/share/doc/podpis/README.md \
    /usr/share/doc/podpis/protocol.md /usr/share/doc/podpis/copyright /usr/share/doc/podpis/changelog.gz \
    /usr/share/podpis/openapi.yaml /usr/share/podpis/client/podpis.js /usr/share/podpis/client/podpis.d.ts \
    /usr/share/man/man1/podpis.1.gz /usr/share/man/man8/podpisd.8.gz /usr/share/man/man5/podpisd.toml.5.gz \
    /usr/share/bash-completion/completions/podpis /usr/share/zsh/vendor-completions/_podpis \
    /usr/share/fish/vendor_completions.d/podpis.fish; do
    printf '%s\n' "$listed" | grep -qx "$path" || fail "dpkg -L podpis does not list $path"
done
grep -q '^/etc/podpis/podpisd.toml$' "$ROOT/var/lib/dpkg/info/podpis.conffiles" || fail "/etc/podpis/podpisd.toml is not a conffile"
in_root getent passwd podpis >/dev/null || fail "the system user podpis was not created (sysusers)"
[ -d "$ROOT/var/lib/podpis" ] || fail "/var/lib/podpis was not created (tmpfiles)"
say "dpkg -L: $(printf '%s\n' "$listed" | wc -l) paths, every expected file there; user podpis exists"

# ---- podpis setup desk in the clean root ------------------------------------
if [ "${PODPIS_DEB_TEST_SETUP:-1}" = 1 ]; then
    cat > "$ROOT/root/desk.answers.toml" <<'EOF'
origins = ["https://ezd.urzad.example.gov.pl"]
module = "auto"
timestamp_urls = []
browser_policy = true
test_login = false
EOF
    out="$(in_root podpis setup desk --answers /root/desk.answers.toml 2>&1)" || fail "podpis setup desk in the root: $out"
    printf '%s\n' "$out" | sed 's/^/  setup: /' | head -n 40
    out="$(in_root podpisd --check-config 2>&1)" || fail "podpisd --check-config after podpis setup desk: $out"
    grep -q 'ezd.urzad.example.gov.pl' "$ROOT/etc/podpis/podpisd.toml" || fail "setup desk did not write the origin into /etc/podpis/podpisd.toml"
    # module = "auto": with the virtual reader, the doctor's knowledge picks
    # the card's module (OpenSC's, pulled in by Recommends).
    if [ -n "$BENCH_SOCKET" ]; then
        sed -n '/^\[pkcs11\]/,/^\[/p' "$ROOT/etc/podpis/podpisd.toml" | sed 's/^/  setup: /'
        tokens="$(in_root podpis tokens 2>&1 || true)"
        printf '%s\n' "$tokens" | grep -q 'OpenPGP' \
            || fail "with the configuration setup wrote, podpis tokens in the root does not show the virtual OpenPGP card: $tokens"
    fi
    [ -L "$ROOT/etc/systemd/user/default.target.wants/podpisd.service" ] || fail "setup desk did not enable the user unit (no /etc/systemd/user/default.target.wants/podpisd.service)"
    got="$(in_root systemctl --global is-enabled podpisd.service 2>&1 || true)"
    [ "$got" = enabled ] || fail "systemctl --global is-enabled podpisd.service after setup desk: $got"
    before="$(cd "$ROOT" && find etc -type f -newer "$ROOT/root/desk.answers.toml" -printf '%p %T@\n' | sort)"
    out="$(in_root podpis setup desk --answers /root/desk.answers.toml --json 2>&1)" || fail "second podpis setup desk: $out"
    printf '%s\n' "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r.get("changed") is False else 1)' \
        || fail "the second podpis setup desk says it changed something: $out"
    after="$(cd "$ROOT" && find etc -type f -newer "$ROOT/root/desk.answers.toml" -printf '%p %T@\n' | sort)"
    [ "$before" = "$after" ] || fail "the second podpis setup desk touched files: $(diff <(echo "$before") <(echo "$after") || true)"
    say "podpis setup desk: configuration accepted, user unit enabled, a second run changes nothing"
fi

# ---- purge -----------------------------------------------------------------
mkdir -p "$ROOT/var/spool/podpis/outbox" "$ROOT/var/lib/podpis"
echo sealed > "$ROOT/var/spool/podpis/outbox/zaswiadczenie.xml"
echo '{"audit":1}' > "$ROOT/var/lib/podpis/audit.jsonl"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q podpis >> "$CACHE/apt.log" 2>&1 || fail "apt-get purge podpis failed"
left=""
while read -r path; do
    [ -n "$path" ] || continue
    if [ -e "$ROOT$path" ] && [ ! -d "$ROOT$path" ]; then left+=" $path"; fi
done <<< "$listed"
[ -z "$left" ] || fail "apt-get purge left files of the package:$left"
for path in /etc/podpis /var/cache/podpis /etc/systemd/user/default.target.wants/podpisd.service \
    /etc/chromium/policies/managed/podpis.json /usr/share/podpis /usr/share/doc/podpis; do
    [ ! -e "$ROOT$path" ] && [ ! -L "$ROOT$path" ] || fail "apt-get purge left $path"
done
[ -f "$ROOT/var/lib/podpis/audit.jsonl" ] || fail "apt-get purge removed the audit trail (documented as kept)"
[ -f "$ROOT/var/spool/podpis/outbox/zaswiadczenie.xml" ] || fail "apt-get purge removed sealed outputs (documented as kept)"
say "apt-get purge: nothing of the package left; the audit trail and sealed outputs kept"

if [ "$failures" -ne 0 ]; then
    say "FAILED: $failures check(s)"
    exit 1
fi
say "OK: $debname ($(du -h "$DEB" | cut -f1)) installs, works, checks and purges cleanly in a clean Debian 12 root"
