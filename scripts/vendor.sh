#!/usr/bin/env bash
# Copy the front-end libraries named in package.json into static/vendor, to be served by us.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --silent
rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/htmx
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE
echo "static/vendor updated from package.json"
