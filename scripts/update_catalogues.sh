#!/usr/bin/env bash
# The message catalogues: extract every text of a part's templates and code, then
# update each of its languages' .po (new texts arrive untranslated: translate them
# in the .po; each part's catalogue test fails while one is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# part folder, its babel.cfg's domain, its locales folder (in the part), languages
update() {
  local part=$1 domain=$2 locales=$3; shift 3
  local pot
  pot=$(mktemp --suffix=.pot)
  (cd "$part" && "$root/.venv/bin/pybabel" --quiet extract -F babel.cfg -k N_ \
     --no-location --sort-output --project="Broadcast campaigns" -o "$pot" .)
  for lang in "$@"; do
    if [ -f "$part/$locales/$lang/LC_MESSAGES/$domain.po" ]; then
      .venv/bin/pybabel --quiet update -D "$domain" -i "$pot" -d "$part/$locales" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete
    else
      .venv/bin/pybabel --quiet init -D "$domain" -i "$pot" -d "$part/$locales" -l "$lang"
    fi
  done
  rm -f "$pot"
}

update services/campaign-api console src/campaign_api/console/locales en ru
update services/operator-bot bot src/operator_bot/locales en ru de
