#!/usr/bin/env bash
# The two commands on a stock Debian 12 (issue 16): a Debian 12 made by debootstrap (its standard base
# and git to clone, nothing else installed), this checkout's HEAD cloned into it, then `./bookstore up`,
# `./bookstore down` and `./bookstore test` run inside as root, each installing what it needs from
# Debian's apt and the npm registry as on a new machine. By hand, not in CI: about an hour on two cores.
#
#   tests/tools/stock_debian.sh [ROOT]     ROOT: where the Debian lives [/srv/bookstore-stock-debian];
#                                          made once, kept (delete it to start from nothing again)
#
# It shares the machine's kernel and network: nothing of the host's BookStore may run meanwhile (ports,
# the private Docker engine). The output goes to ROOT/root/stock-debian.log too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
root=${1:-/srv/bookstore-stock-debian}
mirror=${BOOKSTORE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ $EUID -eq 0 ]] || { echo "stock_debian.sh: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }

if [[ ! -x "$root/usr/bin/git" ]]; then
  command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap
  rm -rf "$root"
  debootstrap --include=git,ca-certificates bookworm "$root" "$mirror"
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$mirror" "$mirror" "$mirror" >"$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Whatever the run started inside (a database apt started as a service, a test server left behind) ends
# with it, and the mounts go.
leave() {
  local proc
  for proc in /proc/[0-9]*; do
    [[ "$(readlink "$proc/root" 2>/dev/null)" == "$root" ]] && kill -9 "${proc#/proc/}" 2>/dev/null
  done
  umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null || true
}
trap leave EXIT
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

rm -rf "$root/root/bookstore"
git clone -q "$here" "$root/root/bookstore"
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /root/bookstore && node --version 2>/dev/null; ./bookstore up && ./bookstore down && ./bookstore test' \
  2>&1 | tee "$root/root/stock-debian.log"
