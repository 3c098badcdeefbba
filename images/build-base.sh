#!/usr/bin/env bash
# Builds qaflow's base image offline, without a container registry or a container runtime:
#   layer 1: a minimal Debian root file system — a few packages fetched with `apt-get download` and unpacked with
#            `dpkg-deb -x` (never installed on this machine), the qaflow user (uid/gid 10001), the writable paths;
#   layer 2: a Java runtime made with jlink from the JDK in JAVA_HOME (Temurin 25), at /opt/java/openjdk.
# The result is a `docker save`-format tar that Jib takes as a base (`tar://…`): images/target/base/qaflow-base.tar.
# It is rebuilt only when its inputs change: this script, the candidate versions of the Debian packages, the JDK.
# Usage: images/build-base.sh [--force] [BASE]   (JAVA_HOME: a JDK 25; see images/README.md)
#   BASE: the base the images are built on (Maven's qaflow.image.base); when it is not this tar (a registry
#   reference such as eclipse-temurin:25-jre), there is nothing to build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/target/base"
BASE_TAR="$OUT/qaflow-base.tar"
KEY_FILE="$OUT/qaflow-base.inputs"

# Packages unpacked with their dependencies: glibc, libgcc_s and libstdc++ (the JVM and the native libraries inside
# the services' jars: ONNX Runtime, HuggingFace tokenizers, RocksDB, Netty, zstd/lz4/snappy), zlib, and busybox for
# /bin/sh and `wget` (a health check inside the container: docker-compose's healthcheck).
LIBRARY_PACKAGES=(libc6 libstdc++6 zlib1g busybox)
# Data-only packages, unpacked without their dependencies (those only run their install scripts):
# the file system skeleton and /etc/os-release (which scanners read), and the time zone database for native code.
DATA_PACKAGES=(base-files tzdata)
# The Java runtime: java.se and the JDK modules the services or their libraries use (jdeps over the five services'
# runtime class paths finds java.se modules, jdk.unsupported, jdk.management, jdk.jfr and jdk.httpserver), plus
# DNS naming, the zip file system, extended socket options, extra charsets and Kerberos/SASL for a secured Kafka.
JAVA_MODULES="java.se,jdk.unsupported,jdk.management,jdk.jfr,jdk.httpserver,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.charsets,jdk.security.auth,jdk.security.jgss"
JAVA_DIR="opt/java/openjdk"
APP_UID=10001
APP_GID=10001
# every file time in the layers (the time Jib gives its own layers' files): the same inputs give the same bytes
EPOCH=1
CREATED="1970-01-01T00:00:01Z"

die() { echo "build-base: $*" >&2; exit 1; }
log() { echo "build-base: $*" >&2; }

force=false
[ "${1:-}" = "--force" ] && { force=true; shift; }
if [ -n "${1:-}" ] && [ "$(realpath -m "${1#tar://}")" != "$(realpath -m "$BASE_TAR")" ]; then
  log "the images are built on $1: no base image to build"
  exit 0
fi

for tool in apt-cache apt-get dpkg-deb tar gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool (a Debian or Ubuntu machine) to make the base image offline;" \
    "elsewhere take a base from a registry: ./qaflow images --base eclipse-temurin:25-jre (images/README.md)"
done
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] || die "JAVA_HOME must point at a JDK with jlink (Temurin 25)"

# --- what goes in: the dependency closure of the library packages, and the exact .deb files apt would fetch ---------
closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
    "$@" | grep -v '^[ <]' | sort -u
}
mapfile -t PACKAGES < <( { closure "${LIBRARY_PACKAGES[@]}"; printf '%s\n' "${DATA_PACKAGES[@]}"; } | sort -u)

print_uris() { apt-get download --print-uris "${PACKAGES[@]}" 2>/dev/null | sort; }
if ! URIS="$(print_uris)" || [ -z "$URIS" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "no package lists yet: apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -q >&2
    URIS="$(print_uris)" || die "apt-get cannot find ${PACKAGES[*]}"
  else
    die "apt-get cannot find ${PACKAGES[*]}: run 'sudo apt-get update' once"
  fi
fi

JAVA_RELEASE="$(cat "$JAVA_HOME/release")"
INPUTS="$(printf '%s\n' "script $(sha256sum < "${BASH_SOURCE[0]}")" "$URIS" "$JAVA_RELEASE")"
if ! $force && [ -f "$BASE_TAR" ] && [ -f "$KEY_FILE" ] && [ "$(cat "$KEY_FILE")" = "$INPUTS" ]; then
  log "base image up to date: $BASE_TAR"
  echo "$BASE_TAR"
  exit 0
fi

log "building the base image from ${#PACKAGES[@]} Debian packages (${PACKAGES[*]}) and a jlinked $(
  sed -n 's/^IMPLEMENTOR_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")"
WORK="$OUT/work"
rm -rf "$WORK" "$BASE_TAR" "$KEY_FILE"
mkdir -p "$WORK/debs" "$WORK/debian" "$WORK/java" "$WORK/image"

# --- layer 1: Debian --------------------------------------------------------------------------------------------
DEBS="$OUT/debs" # kept between builds: apt-get download fetches only what is missing
mkdir -p "$DEBS"
missing=()
while read -r _ file _ hash; do
  [ -f "$DEBS/$file" ] && [ "SHA256:$(sha256sum < "$DEBS/$file" | cut -d' ' -f1)" = "$hash" ] && continue
  # the file name tells the package and version: <name>_<version>_<arch>.deb (an epoch's colon written %3a)
  name="${file%%_*}" rest="${file#*_}"
  version="${rest%_*}"
  missing+=("$name=${version//%3a/:}")
done <<< "$(tr -d "'" <<< "$URIS")"
if [ "${#missing[@]}" -gt 0 ]; then
  (cd "$DEBS" && apt-get download -q "${missing[@]}" >&2) || die "cannot download ${missing[*]}"
fi
while read -r _ file _ hash; do
  [ "SHA256:$(sha256sum < "$DEBS/$file" | cut -d' ' -f1)" = "$hash" ] || die "$file does not match apt's checksum"
done <<< "$(tr -d "'" <<< "$URIS")"

ROOT="$WORK/debian"
STATUS="$WORK/status"
: > "$STATUS"
while read -r _ file _ _; do
  deb="$DEBS/$file"
  dpkg-deb -x "$deb" "$ROOT"
  # dpkg's status database, so image scanners (Trivy, Grype, Syft) see which packages the image holds
  dpkg-deb -f "$deb" | awk '{print} /^Package:/ {print "Status: install ok installed"}' >> "$STATUS"
  echo >> "$STATUS"
done <<< "$(tr -d "'" <<< "$URIS")"

# only the copyright files of the documentation; no manuals
find "$ROOT/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOT/usr/share/man" "$ROOT/usr/share/info" "$ROOT/usr/share/lintian" "$ROOT/usr/share/bug" \
  "$ROOT/usr/share/base-files/"*.md5sums

mkdir -p "$ROOT/var/lib/dpkg" "$ROOT/usr/bin" "$ROOT/home/qaflow" "$ROOT/var/lib/qaflow/aggregator" "$ROOT/tmp"
cp "$STATUS" "$ROOT/var/lib/dpkg/status"
ln -sfn busybox "$ROOT/bin/sh"
ln -sfn ../../bin/busybox "$ROOT/usr/bin/wget"
cat > "$ROOT/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
qaflow:x:$APP_UID:$APP_GID:qaflow:/home/qaflow:/sbin/nologin
EOF
cat > "$ROOT/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
qaflow:x:$APP_GID:
EOF
cat > "$ROOT/etc/nsswitch.conf" <<EOF
passwd: files
group: files
hosts: files dns
EOF
chmod 1777 "$ROOT/tmp"
chmod 0755 "$ROOT/home/qaflow"
chmod 0750 "$ROOT/var/lib/qaflow/aggregator"

# --- layer 2: the Java runtime ------------------------------------------------------------------------------------
# Modules stay uncompressed: the gzipped layer is smaller that way (35 vs 44 MB before the CDS archive) and classes
# load without inflating. The default CDS archive speeds up start-up; the one for heaps over 32 GB is left out.
"$JAVA_HOME/bin/jlink" --add-modules "$JAVA_MODULES" --output "$WORK/java/$JAVA_DIR" \
  --strip-debug --no-man-pages --no-header-files --generate-cds-archive >&2
rm -f "$WORK/java/$JAVA_DIR/lib/server/classes_nocoops.jsa"
JAVA_VERSION="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")"

# --- the layer tars: sorted, fixed times, numeric owners root or qaflow ------------------------------------------
# (written from file lists with owners set in the archive, so the build needs no root)
layer() { # output tar, directory, paths owned by qaflow (relative) …
  local tar="$1" dir="$2"; shift 2
  local list="$tar.list" own="$tar.own"
  printf '%s\n' "$@" > "$own"
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) | grep -vxF -f "$own" > "$list" || true
  local opts=(--format=gnu --no-recursion --numeric-owner --mtime="@$EPOCH" -C "$dir")
  tar -cf "$tar" "${opts[@]}" --owner=0 --group=0 -T "$list"
  if [ "$#" -gt 0 ]; then tar -rf "$tar" "${opts[@]}" --owner="$APP_UID" --group="$APP_GID" -T "$own"; fi
  rm -f "$list" "$own"
}
layer "$WORK/debian.tar" "$ROOT" home/qaflow var/lib/qaflow/aggregator
layer "$WORK/java.tar" "$WORK/java"

IMG="$WORK/image"
DIFF_IDS=() LAYERS=()
for name in debian java; do
  diff_id="$(sha256sum "$WORK/$name.tar" | cut -d' ' -f1)"
  gzip -n -6 < "$WORK/$name.tar" > "$IMG/$name.tar.gz"
  DIFF_IDS+=("\"sha256:$diff_id\"")
  LAYERS+=("\"$name.tar.gz\"")
done
join() { local IFS=,; echo "$*"; }
DEBIAN_VERSION="$(cat "$ROOT/etc/debian_version")"
cat > "$IMG/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"$CREATED",
"config":{"User":"$APP_UID:$APP_GID","WorkingDir":"/",
"Env":["PATH=/$JAVA_DIR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/$JAVA_DIR","LANG=C.UTF-8"],
"Labels":{"io.qaflow.base.debian":"$DEBIAN_VERSION","io.qaflow.base.java":"$JAVA_VERSION"}},
"rootfs":{"type":"layers","diff_ids":[$(join "${DIFF_IDS[@]}")]},
"history":[{"created":"$CREATED","created_by":"images/build-base.sh: Debian $DEBIAN_VERSION packages ${PACKAGES[*]}"},
{"created":"$CREATED","created_by":"images/build-base.sh: jlink $JAVA_VERSION --add-modules $JAVA_MODULES"}]}
EOF
cat > "$IMG/manifest.json" <<EOF
[{"Config":"config.json","RepoTags":["qaflow/base:local"],"Layers":[$(join "${LAYERS[@]}")]}]
EOF
tar -cf "$BASE_TAR.tmp" --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$EPOCH" -C "$IMG" \
  manifest.json config.json debian.tar.gz java.tar.gz
mv "$BASE_TAR.tmp" "$BASE_TAR"
printf '%s' "$INPUTS" > "$KEY_FILE"
rm -rf "$WORK"
log "base image: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1); Debian $DEBIAN_VERSION, Java $JAVA_VERSION," \
  "sha256 $(sha256sum "$BASE_TAR" | cut -c1-12))"
echo "$BASE_TAR"
