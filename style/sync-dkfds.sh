#!/usr/bin/env bash
# Copies Det Fælles Designsystem (the npm package dkfds, version pinned in style/package.json and
# style/package-lock.json) into public/dkfds: the two portal themes' CSS, the IBM Plex Sans fonts
# and the icons, keeping the relative paths the CSS refers to. The copied files are committed, so
# building and running Sagsspor needs no npm; run this again only to change the version.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
source_dir=node_modules/dkfds/dist
target=../public/dkfds
rm -rf "$target"
mkdir -p "$target/css" "$target/fonts/IBMPlexSans/complete" "$target/img"
cp "$source_dir/css/dkfds-borgerdk.min.css" "$source_dir/css/dkfds-virkdk.min.css" "$target/css/"
for format in woff2; do
  cp -r "$source_dir/fonts/IBMPlexSans/complete/$format" "$target/fonts/IBMPlexSans/complete/"
done
cp -r "$source_dir/img/svg-icons" "$target/img/"
cp "$source_dir/img/logo-borgerdk.svg" "$source_dir/img/logo_virk.svg" "$source_dir/img/all-svg-icons.svg" "$target/img/"
cp "$source_dir/LICENSE.md" "$target/LICENSE.md"
version=$(node -p "require('./node_modules/dkfds/package.json').version")
echo "$version" > "$target/VERSION"
echo "dkfds $version copied to public/dkfds"
