#!/usr/bin/env bash
# The message catalogues: extract every text of a part, then update each of its
# languages' .po (new texts arrive untranslated: translate them in the .po; each
# part's catalogue test fails while one is missing).
#   campaign-api console   the console's templates and code (keyword N_): en, ru
#   campaign-api commands  the /send commands' answers and refusals (keyword Text): en, ru, de
#   operator-bot bot       the bot's own words (keyword N_): en, ru, de
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT

extract() {  # part, then pybabel extract's arguments (run in the part)
  local part=$1; shift
  (cd "$part" && "$root/.venv/bin/pybabel" --quiet extract --no-location --sort-output \
     --project="Broadcast campaigns" -o "$pot" "$@")
}

update() {  # part domain locales languages...
  local part=$1 domain=$2 locales=$3; shift 3
  for lang in "$@"; do
    if [ -f "$part/$locales/$lang/LC_MESSAGES/$domain.po" ]; then
      .venv/bin/pybabel --quiet update -D "$domain" -i "$pot" -d "$part/$locales" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete --width 100
    else
      .venv/bin/pybabel --quiet init -D "$domain" -i "$pot" -d "$part/$locales" -l "$lang" \
        --width 100
    fi
  done
}

api=services/campaign-api
extract "$api" -F babel.cfg -k N_ .
update "$api" console src/campaign_api/console/locales en ru
extract "$api" --no-default-keywords -k Text src/campaign_api/commands \
  src/campaign_api/api/commands.py
update "$api" commands src/campaign_api/commands/locales en ru de

bot=services/operator-bot
extract "$bot" -F babel.cfg -k N_ .
update "$bot" bot src/operator_bot/locales en ru de
