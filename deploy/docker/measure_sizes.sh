#!/usr/bin/env bash
# Image sizes without a Docker engine: runs the old and the new Dockerfile's uv commands
# into temporary directories and prints the bytes each runtime stage adds to the base
# image (python:3.11-slim, the same in both), and the packages the new images no longer carry.
#   deploy/docker/measure_sizes.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.local/bin:$PATH" UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0 UV_NO_PROGRESS=1
services=(campaign-api audience-resolver scheduler dispatcher-telegram dispatcher-whatsapp
          dispatcher-instagram ai-composer operator-bot platform-sim)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
context() {  # the files the build context sends (tracked ones)
  mkdir -p "$1"
  git ls-files pyproject.toml uv.lock libs services tools | tar -cf - -T - | tar -xf - -C "$1"
}
packages() { ls "$1"/.venv/lib/python*/site-packages | sed -n 's/-[0-9].*\.dist-info$//p' | sort; }

# before: one image, the whole workspace with its dev-only members, sources beside the venv,
# and uv itself installed by pip into the image
context "$work/old"
(cd "$work/old" && UV_COMPILE_BYTECODE=0 uv sync -q --frozen --no-dev --all-packages --no-editable)
uv pip install -q --target "$work/old-uv" "uv>=0.5"
old=$(( $(du -sb "$work/old" | cut -f1) + $(du -sb "$work/old-uv" | cut -f1) ))
printf '%-22s %8.1f MB  (venv %s MB, sources %s MB, uv %s MB)\n' "before: one image" \
  "$(bc -l <<< "$old/1000000")" \
  "$(( $(du -sb "$work/old/.venv" | cut -f1) / 1000000 ))" \
  "$(( ($(du -sb "$work/old" | cut -f1) - $(du -sb "$work/old/.venv" | cut -f1)) / 1000000 ))" \
  "$(( $(du -sb "$work/old-uv" | cut -f1) / 1000000 ))"
packages "$work/old" > "$work/old.txt"

: > "$work/new.txt"
for service in "${services[@]}"; do
  dir="$work/new-$service"
  context "$dir"
  # the Dockerfile's two uv steps; the runtime stage copies /app/.venv only
  (cd "$dir" && UV_COMPILE_BYTECODE=1 uv sync -q --frozen --no-dev --no-install-workspace --package "$service" \
             && UV_COMPILE_BYTECODE=1 uv sync -q --frozen --no-dev --no-editable --package "$service")
  printf '%-22s %8.1f MB\n' "after: $service" "$(bc -l <<< "$(du -sb "$dir/.venv" | cut -f1)/1000000")"
  packages "$dir" >> "$work/new.txt"
done
echo "packages in the old image and in none of the new service images:"
sort -u "$work/new.txt" | comm -23 "$work/old.txt" - | tr '\n' ' '
echo
