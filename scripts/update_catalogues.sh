#!/usr/bin/env bash
# campaign-api's catalogues: extract every text, then update each language's .po
# (new texts arrive untranslated: translate them in the .po; the catalogue tests
# in services/campaign-api/tests/unit fail while one is missing).
#   console   the console's templates and code (keyword N_): en, ru
#   commands  the /send commands' answers and refusals (keyword Text): en, ru, de
set -euo pipefail
cd "$(dirname "$0")/../services/campaign-api"
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT

update() {  # domain locales languages...
  local domain=$1 locales=$2
  shift 2
  for lang in "$@"; do
    if [ -f "$locales/$lang/LC_MESSAGES/$domain.po" ]; then
      ../../.venv/bin/pybabel --quiet update -D "$domain" -i "$pot" -d "$locales" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete --width 100
    else
      ../../.venv/bin/pybabel --quiet init -D "$domain" -i "$pot" -d "$locales" -l "$lang" --width 100
    fi
  done
}

../../.venv/bin/pybabel --quiet extract -F babel.cfg -k N_ --no-location --sort-output \
  --project="Broadcast campaigns console" -o "$pot" .
update console src/campaign_api/console/locales en ru

../../.venv/bin/pybabel --quiet extract --no-default-keywords -k Text --no-location \
  --sort-output --project="Broadcast campaigns commands" -o "$pot" src/campaign_api/commands \
  src/campaign_api/api/commands.py
update commands src/campaign_api/commands/locales en ru de
