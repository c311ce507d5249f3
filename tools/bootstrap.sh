#!/usr/bin/env bash
# Set up everything csdesk needs on a fresh Debian machine: the system libraries Qt loads,
# poppler-utils (to look at PDF pages), and a virtual environment in .venv with csdesk and
# its development tools. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfreetype6 libfontconfig1
                 libdbus-1-3 fonts-dejavu-core poppler-utils)

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for package in "${debian_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    if ((${#missing[@]})); then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo "installing Debian packages: ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
echo "csdesk is installed in .venv ($(.venv/bin/csdesk --version))"
