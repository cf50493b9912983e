# Sourced by the fetch-* scripts: downloads one Debian package's .deb into a folder, without installing it.
# apt-get download needs package lists; a fresh container has none, so they are refreshed only when the first try fails.
# Usage: download_deb PACKAGE FOLDER LABEL
download_deb() {
  local package="$1" folder="$2" label="$3"
  if ! (cd "$folder" && apt-get download "$package" >/dev/null 2>&1); then
    echo "$label: download failed; running apt-get update first"
    if [[ "$(id -u)" -eq 0 ]]; then
      apt-get update -qq
    else
      sudo apt-get update -qq
    fi
    (cd "$folder" && apt-get download "$package")
  fi
}
