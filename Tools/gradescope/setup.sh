#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the assignment's image (Ubuntu; the course
# is unpacked in /autograder/source). It installs what the course needs and builds the grader,
# so that each submission only compiles the student's lessons.
#
# UNTESTED: the Swift toolchain download below could not be tried where this script was
# written (no access to swift.org). Everything after it is what the course's CI does. Check the
# first build log of the assignment on Gradescope; SWIFT_VERSION and the Ubuntu release it
# detects are the two things that may need adjusting.
set -euo pipefail

SWIFT_VERSION="${SWIFT_VERSION:-6.3.1}"
SOURCE="${AUTOGRADER_ROOT:-/autograder}/source"

export DEBIAN_FRONTEND=noninteractive
apt-get update
# OpenBLAS and gnuplot for the course; the rest is what swift.org lists for its Ubuntu
# toolchains (g++ brings the libgcc and libstdc++ headers of the release's own GCC).
apt-get install -y --no-install-recommends \
    libopenblas-dev gnuplot-nox make zip unzip python3 \
    binutils ca-certificates curl g++ git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 \
    libpython3-dev libsqlite3-0 libxml2-dev libz3-dev pkg-config tzdata zlib1g-dev

# The Swift toolchain from swift.org, for this Ubuntu release (untested here, see above).
if ! command -v swift >/dev/null 2>&1; then
    . /etc/os-release                                   # VERSION_ID, e.g. 22.04
    platform="ubuntu${VERSION_ID}"                      # ubuntu22.04
    folder="${platform//./}"                            # ubuntu2204
    name="swift-${SWIFT_VERSION}-RELEASE-${platform}"
    url="https://download.swift.org/swift-${SWIFT_VERSION}-release/${folder}/swift-${SWIFT_VERSION}-RELEASE/${name}.tar.gz"
    echo "setup.sh: downloading ${url}"
    curl -fsSL "$url" -o /tmp/swift.tar.gz
    curl -fsSL "${url}.sig" -o /tmp/swift.tar.gz.sig
    curl -fsSL https://swift.org/keys/all-keys.asc | gpg --batch --import -
    gpg --batch --verify /tmp/swift.tar.gz.sig /tmp/swift.tar.gz
    mkdir -p /opt/swift
    tar -xzf /tmp/swift.tar.gz -C /opt/swift --strip-components=1
    rm -f /tmp/swift.tar.gz /tmp/swift.tar.gz.sig
fi
# run_autograder puts the same folder first on its PATH.
export PATH="/opt/swift/usr/bin:$PATH"
swift --version

# The grader itself, and the package's dependencies resolved now, while the image may still
# reach the network (a submission's run may not).
cd "$SOURCE"
make tools
TRACK=exercises COURSE_LESSON_DIR= swift package resolve --scratch-path .build-grade --manifest-cache none
