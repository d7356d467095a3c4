#!/usr/bin/env bash
# Installs the real clients the tests run our exports through:
#   chromium   renders SVG, Mermaid and TimelineJS pages (Debian package)
#   cmark-gfm  GitHub's Markdown parser (Debian package)
#   fonts      DejaVu (the font our SVGs name first) and Noto CJK, so text boxes measure real glyphs
#   node pkgs  ical.js, mermaid, @knight-lab/timelinejs (from package-lock.json, loaded by file://)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v cmark-gfm >/dev/null || missing+=(cmark-gfm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
