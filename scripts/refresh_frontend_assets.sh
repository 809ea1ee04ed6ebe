#!/usr/bin/env bash
# Refresh the vendored front-end assets under static/vendor/ from npm.
#
# Running the portal needs no Node: the compiled CSS, the JS and the plotly.js
# bundle are committed. Only this script (called by `make assets`) needs node
# and npm, and it installs everything it uses into a throw-away directory.
#
#   static/scss/portal.scss  --(sass)-->  static/vendor/govuk-frontend/govuk-frontend.min.css
#   govuk-frontend dist/govuk/govuk-frontend.min.js  -->  static/vendor/govuk-frontend/
#   plotly.js-dist-min plotly.min.js                  -->  static/vendor/plotly/
#
# The portal is a council service, not GOV.UK: the compiled CSS must not use
# the GDS Transport font or any crown artwork, and this script fails if it
# would. To upgrade, change a pinned version below, run the script, and review
# the diff (and static/vendor/README.md).
set -euo pipefail

GOVUK_FRONTEND_VERSION="5.14.0"   # newest 5.x release
SASS_VERSION="1.108.2"
# Matches the plotly.js bundled by the Python plotly package (6.9.0 -> 3.7.0),
# so figures built in Python are rendered by the library they were made for.
PLOTLY_JS_VERSION="3.7.0"

# Must match $govuk-assets-path in static/scss/portal.scss.
GOVUK_ASSETS_URL="/static/vendor/govuk-frontend/assets/"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCSS_ENTRY="$ROOT/static/scss/portal.scss"
VENDOR="$ROOT/static/vendor"

die() { echo "refresh_frontend_assets: error: $*" >&2; exit 1; }
log() { echo "refresh_frontend_assets: $*"; }

command -v node >/dev/null || die "node is not installed (needed only to refresh assets)"
command -v npm >/dev/null || die "npm is not installed (needed only to refresh assets)"
[[ -f "$SCSS_ENTRY" ]] || die "missing $SCSS_ENTRY"

# Warn (not fail) if the Python plotly package expects another plotly.js.
if [[ -x "$ROOT/.venv/bin/python" ]]; then
  py_plotlyjs="$("$ROOT/.venv/bin/python" -c \
    'import plotly.offline as o; print(o.get_plotlyjs_version())' 2>/dev/null || true)"
  if [[ -n "$py_plotlyjs" && "$py_plotlyjs" != "$PLOTLY_JS_VERSION" ]]; then
    echo "refresh_frontend_assets: warning: Python plotly bundles plotly.js $py_plotlyjs" \
      "but PLOTLY_JS_VERSION is $PLOTLY_JS_VERSION" >&2
  fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/frontend-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# --- Install the pinned packages into the temp dir ---------------------------
log "installing govuk-frontend@$GOVUK_FRONTEND_VERSION sass@$SASS_VERSION plotly.js-dist-min@$PLOTLY_JS_VERSION"
cd "$WORK"
printf '{ "name": "portal-frontend-assets", "private": true }\n' > package.json
# --ignore-scripts: nothing here needs an install script (sass is pure JS);
# --omit=optional skips sass's native file watcher, which we do not use.
npm install --no-audit --no-fund --no-package-lock --ignore-scripts --omit=optional \
  --loglevel=error \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
  "sass@$SASS_VERSION" \
  "plotly.js-dist-min@$PLOTLY_JS_VERSION" >/dev/null

pkg_version() { node -p "require('./node_modules/$1/package.json').version"; }
[[ "$(pkg_version govuk-frontend)" == "$GOVUK_FRONTEND_VERSION" ]] || die "govuk-frontend version mismatch"
[[ "$(pkg_version sass)" == "$SASS_VERSION" ]] || die "sass version mismatch"
[[ "$(pkg_version plotly.js-dist-min)" == "$PLOTLY_JS_VERSION" ]] || die "plotly.js-dist-min version mismatch"

GOVUK_DIST="$WORK/node_modules/govuk-frontend/dist/govuk"
PLOTLY_PKG="$WORK/node_modules/plotly.js-dist-min"

# Build into a staging dir; static/vendor is only replaced once all checks pass.
STAGE="$WORK/out"
mkdir -p "$STAGE/govuk-frontend" "$STAGE/plotly"

# --- GOV.UK Frontend CSS ------------------------------------------------------
CSS="$STAGE/govuk-frontend/govuk-frontend.min.css"
log "compiling ${SCSS_ENTRY#"$ROOT/"}"
# GOV.UK Frontend 5.x is consumed with @import (settings are !default globals),
# which Dart Sass reports as deprecated: silence that one warning only.
"$WORK/node_modules/.bin/sass" \
  --style=compressed --no-source-map \
  --load-path="$WORK/node_modules" \
  --quiet-deps --silence-deprecation=import \
  "$SCSS_ENTRY" "$CSS"

grep -qi 'GDS Transport' "$CSS" && die "compiled CSS mentions GDS Transport"
grep -qi '@font-face' "$CSS" && die "compiled CSS has an @font-face rule"
grep -q 'fonts/' "$CSS" && die "compiled CSS references fonts/"
grep -q 'sourceMappingURL' "$CSS" && die "compiled CSS references a source map"
grep -q -- '--govuk-frontend-version: *"'"$GOVUK_FRONTEND_VERSION"'"' "$CSS" \
  || die "compiled CSS does not declare govuk-frontend $GOVUK_FRONTEND_VERSION"

# Every url(...) must be a component image under $GOVUK_ASSETS_URL that is not
# crown/GOV.UK branding; copy each one from the package beside the CSS.
CROWN_RE='crest|crown|favicon|govuk-icon|opengraph|manifest|govuk-logo|/fonts/'
while IFS= read -r ref; do
  [[ -z "$ref" ]] && continue
  url="${ref#url(}"; url="${url%)}"; url="${url//\"/}"; url="${url//\'/}"
  case "$url" in
    data:*) continue ;;
    "$GOVUK_ASSETS_URL"*) rel="${url#"$GOVUK_ASSETS_URL"}" ;;
    *) die "compiled CSS has url($url) outside $GOVUK_ASSETS_URL" ;;
  esac
  rel="${rel%%[?#]*}"
  [[ "/$rel" =~ $CROWN_RE ]] && die "compiled CSS references GOV.UK branding: $url"
  [[ -f "$GOVUK_DIST/assets/$rel" ]] || die "url($url) not found in govuk-frontend assets"
  mkdir -p "$(dirname "$STAGE/govuk-frontend/assets/$rel")"
  cp "$GOVUK_DIST/assets/$rel" "$STAGE/govuk-frontend/assets/$rel"
  log "copied component image assets/$rel"
done < <(grep -o 'url([^)]*)' "$CSS" | sort -u || true)

# --- GOV.UK Frontend JS (ES module exporting initAll) --------------------------
JS="$STAGE/govuk-frontend/govuk-frontend.min.js"
# Drop the sourceMappingURL comment: the .map is not vendored, and Django's
# ManifestStaticFilesStorage fails collectstatic on a missing map.
sed -e 's|//# sourceMappingURL=[^[:space:]]*$||' "$GOVUK_DIST/govuk-frontend.min.js" > "$JS"
grep -q 'sourceMappingURL' "$JS" && die "govuk-frontend.min.js still references a source map"
grep -q 'export{.*initAll' "$JS" || die "govuk-frontend.min.js does not export initAll"

echo "$GOVUK_FRONTEND_VERSION" > "$STAGE/govuk-frontend/VERSION"

# The npm package ships no LICENSE file; its package.json says MIT and its
# README says the code is MIT-licensed, Crown copyright (GDS).
[[ "$(node -p "require('./node_modules/govuk-frontend/package.json').license")" == "MIT" ]] \
  || die "govuk-frontend is no longer MIT-licensed: review before vendoring"
if [[ -f "$WORK/node_modules/govuk-frontend/LICENSE.txt" ]]; then
  cp "$WORK/node_modules/govuk-frontend/LICENSE.txt" "$STAGE/govuk-frontend/LICENSE"
elif [[ -f "$WORK/node_modules/govuk-frontend/LICENSE" ]]; then
  cp "$WORK/node_modules/govuk-frontend/LICENSE" "$STAGE/govuk-frontend/LICENSE"
else
  cat > "$STAGE/govuk-frontend/LICENSE" <<'LICENSE'
govuk-frontend (https://github.com/alphagov/govuk-frontend)
License: MIT (as declared by the npm package's package.json and README)

The MIT License (MIT)

Copyright (C) Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

Not vendored here: the GDS Transport font and the crown/crest images, which
are for GOV.UK only.
LICENSE
fi

# --- plotly.js ------------------------------------------------------------------
head -c 200 "$PLOTLY_PKG/plotly.min.js" | grep -q "plotly.js v$PLOTLY_JS_VERSION" \
  || die "plotly.min.js header does not say v$PLOTLY_JS_VERSION"
sed -e 's|//# sourceMappingURL=[^[:space:]]*$||' "$PLOTLY_PKG/plotly.min.js" > "$STAGE/plotly/plotly.min.js"
cp "$PLOTLY_PKG/LICENSE" "$STAGE/plotly/LICENSE"
echo "$PLOTLY_JS_VERSION" > "$STAGE/plotly/VERSION"

# --- Swap the staged files into static/vendor ---------------------------------
mkdir -p "$VENDOR"
for dir in govuk-frontend plotly; do
  rm -rf "${VENDOR:?}/$dir"
  cp -R "$STAGE/$dir" "$VENDOR/$dir"
done

log "done:"
(cd "$ROOT" && find static/vendor/govuk-frontend static/vendor/plotly -type f -exec ls -l {} + \
  | awk '{printf "  %10d  %s\n", $5, $9}')
