#!/usr/bin/env bash
# The console's catalogues: extract every text of its templates and code, then
# update each language's .po (new texts arrive untranslated: translate them in
# the .po; tests/unit/test_catalogues.py fails while one is missing).
set -euo pipefail
cd "$(dirname "$0")/../services/campaign-api"
locales=src/campaign_api/console/locales
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
../../.venv/bin/pybabel --quiet extract -F babel.cfg -k N_ --no-location --sort-output \
  --project="Broadcast campaigns console" -o "$pot" .
for lang in en ru; do
  po="$locales/$lang/LC_MESSAGES/console.po"
  if [ -f "$po" ]; then
    ../../.venv/bin/pybabel --quiet update -D console -i "$pot" -d "$locales" -l "$lang" \
      --no-fuzzy-matching --ignore-obsolete
  else
    ../../.venv/bin/pybabel --quiet init -D console -i "$pot" -d "$locales" -l "$lang"
  fi
done
