#!/usr/bin/env bash
# Build the one-folder Linux bundle in dist/csdesk and smoke-test it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv build/venv
build/venv/bin/pip install -q . pyinstaller
build/venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller \
    installer/csdesk.spec
QT_QPA_PLATFORM=offscreen dist/csdesk/csdesk --version --no-crash-dialog
echo "bundle ready in dist/csdesk"
