#!/usr/bin/env bash
# Regenerates the 97-2003 Office fixtures (*.doc, *.xls, *.ppt, plain and password-protected)
# from the OOXML test documents, with LibreOffice. Only needed when the fixtures change; the
# tests read the committed files and need no LibreOffice.
#   bash packages/processor/src/extract/office/legacy-samples/make-legacy.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../../.." && pwd)"
# LibreOffice is a maintainer's tool for this one script: the tests do not need it and set-up
# does not install it (Debian: libreoffice-writer-nogui libreoffice-calc-nogui
# libreoffice-impress-nogui python3-uno).
if ! command -v soffice >/dev/null || ! /usr/bin/python3 -c 'import uno' 2>/dev/null; then
  echo "make-legacy: needs LibreOffice and python3-uno (Debian: libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno)" >&2
  exit 2
fi

work="$(mktemp -d)"
office_pid=""
cleanup() {
  [ -n "$office_pid" ] && kill "$office_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root/packages/processor" && pnpm exec tsx -e "
  const f = require('./src/extract/office/fixtures');
  Promise.all([f.writeDocx('$work'), f.writeXlsx('$work'), f.writePptx('$work')]).catch((e) => { console.error(e); process.exit(1); });
")
HOME="$work" soffice --headless --norestore --invisible --accept="socket,host=127.0.0.1,port=2002;urp;" >/dev/null 2>&1 &
office_pid=$!
/usr/bin/python3 "$here/convert.py" "$work" "$here"
