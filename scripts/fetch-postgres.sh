#!/usr/bin/env bash
# Fetches Debian's postgresql-15 server, with the libraries it loads that a bare Debian may lack, into
# .tools/postgresql/ (repo-local, gitignored), so the PostgreSQL store's tests run a real server (initdb into a
# temporary folder, started as an unprivileged user) without root installs or a system service. Idempotent: skips when
# present and runnable.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deb-download.sh
source scripts/lib/deb-download.sh

dest=".tools/postgresql"
bin="$dest/usr/lib/postgresql/15/bin"
libs="$dest/usr/lib/x86_64-linux-gnu"

runnable() {
  [[ -x "$bin/postgres" && -x "$bin/initdb" && -x "$bin/pg_ctl" ]] \
    && LD_LIBRARY_PATH="$libs" "$bin/postgres" --version >/dev/null 2>&1 \
    && LD_LIBRARY_PATH="$libs" "$bin/initdb" --version >/dev/null 2>&1
}

# Debian builds the server to read the system's time zone files from this absolute path; they cannot be unpacked
# beside it.
if [[ ! -e /usr/share/zoneinfo/UTC ]]; then
  echo "fetch-postgres: /usr/share/zoneinfo is missing; Debian's PostgreSQL reads the system time zones: apt-get install tzdata" >&2
  exit 1
fi

if runnable; then
  echo "fetch-postgres: already present: $bin ($(LD_LIBRARY_PATH="$libs" "$bin/postgres" --version))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "fetch-postgres: apt-get/dpkg not found; the PostgreSQL store's tests need Debian's postgresql-15 in $dest" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The server and initdb link libpq, ICU, libxml2, LDAP, Kerberos and SASL, which a slim Debian image does not carry;
# they are unpacked beside the server (same release, so the same builds) and found through LD_LIBRARY_PATH. LLVM is
# left out: it is loaded only for JIT, which the tests turn off.
for package in postgresql-15 libpq5 libicu72 libxml2 libldap-2.5-0 libsasl2-2 libsasl2-modules-db \
  libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1 libpam0g liblz4-1 libzstd1 libssl3; do
  download_deb "$package" "$work" fetch-postgres
done

mkdir -p "$dest"
for deb in "$work"/*.deb; do
  dpkg -x "$deb" "$dest"
  echo "fetch-postgres: extracted $(basename "$deb") into $dest"
done

missing="$(LD_LIBRARY_PATH="$libs" ldd "$bin/postgres" "$bin/initdb" | grep 'not found' || true)"
if [[ -n "$missing" ]]; then
  echo "fetch-postgres: libraries still missing (install them with apt-get): $missing" >&2
  exit 1
fi
if ! runnable; then
  echo "fetch-postgres: $bin/postgres does not run; see the error above" >&2
  exit 1
fi
LD_LIBRARY_PATH="$libs" "$bin/postgres" --version
