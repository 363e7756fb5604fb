#!/usr/bin/env bash
# The two commands on a stock Debian 12 (issue 16): a Debian 12 made by debootstrap (its standard base
# and git to clone, nothing else installed), this checkout's HEAD cloned into it, then `./bookstore up`,
# `./bookstore down` and `./bookstore test` run inside as root, each installing what it needs from
# Debian's apt and the npm registry as on a new machine. By hand, not in CI: about an hour on two cores.
#
#   tests/tools/stock_debian.sh [ROOT [STAGE...]]
#       ROOT: where the Debian lives [/srv/bookstore-stock-debian]; made once, kept (delete it to start
#       from nothing again). STAGEs: run only `./bookstore test STAGE...` in the clone of the last run
#       (to repeat what failed without building again).
#
# Two things come from the host because they belong to the machine, not to Debian: the certificate
# authorities it added (/usr/local/share/ca-certificates: a network that inspects TLS needs its own for
# npm's registry) and its resolv.conf. The Debian's root is bind-mounted on itself, as a root file system
# is: dockerd remounts / when it unpacks an image and fails with EINVAL on a plain folder.
#
# The run gets a mount namespace of its own in which the Debian's root is moved onto "/" (as switch_root
# does), not a plain chroot: a process that enters a container's mount namespace (`docker exec`, hence
# every health check) starts at the namespace's "/", and after a chroot that is the host's root, where
# the container's files are not ("healthcheck.sh: executable file not found").
#
# It shares the machine's kernel and network: nothing of the host's BookStore may run meanwhile (ports,
# the private Docker engine). The output goes to ROOT/root/stock-debian.log too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
root=${1:-/srv/bookstore-stock-debian}
stages=("${@:2}")
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
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi

# Whatever the run started inside (a database apt started as a service, a test server left behind) ends
# with it, and the mounts go.
mntns_file=$root/root/.stock-debian-mntns
leave() {
  local proc ns
  ns=$(cat "$mntns_file" 2>/dev/null || true)
  for proc in /proc/[0-9]*; do
    [[ -n "$ns" && "$(readlink "$proc/ns/mnt" 2>/dev/null)" == "$ns" ]] && kill -9 "${proc#/proc/}" 2>/dev/null
  done
  rm -f "$mntns_file"
  umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null || true
  umount "$root" 2>/dev/null || true
}
trap leave EXIT
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

commands='./bookstore up && ./bookstore down && ./bookstore test'
if ((${#stages[@]})); then
  commands="./bookstore test ${stages[*]}"
else
  rm -rf "$root/root/bookstore"
  git clone -q "$here" "$root/root/bookstore"
fi
# Node reads the system's authorities only when told (npm's registry over TLS).
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private bash -c '
  readlink /proc/self/ns/mnt >"$1"
  cd "$2" && mount --move . / && exec chroot . /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    bash -c "cd /root/bookstore && $3"' stock-debian "$mntns_file" "$root" "$commands" 2>&1 |
  tee "$root/root/stock-debian.log"
