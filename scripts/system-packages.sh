#!/usr/bin/env bash
# Install the Debian packages listed in scripts/debian-packages.txt, when any is missing.
# As root (CI, a fresh server): `apt-get update` once, then `apt-get install -y ...`.
# Otherwise: say what to install; the tests that need a missing package skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/debian-packages.txt | grep -v '^$' || true)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Some test groups need Debian packages that are not installed: ${missing[*]}"
  echo "Install them with: sudo apt-get install -y ${missing[*]}"
  echo "(the tests that need them skip, and say so)"
fi
