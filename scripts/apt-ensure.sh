#!/usr/bin/env bash
# Installs the named Debian packages if any is missing. Used by set-up, bench and sample
# scripts so that nothing depends on what a developer installed by hand.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "apt-ensure: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# A lock keeps parallel callers (tests, bench, sample builds) from tripping over dpkg's own lock.
exec 9>/tmp/cis-apt-ensure.lock
flock 9
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
  || { $SUDO apt-get update >&2 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
