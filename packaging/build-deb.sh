#!/usr/bin/env bash
# Builds the Debian package target/debian/baogao_VERSION-REV_ARCH.deb: the release binary,
# the man page and shell completions it writes itself (`--generate`, so they match its
# --help), /etc/baogao/baogao.conf and baogao.service. Assets are listed in Cargo.toml
# ([package.metadata.deb]). Needs cargo-deb (`cargo install cargo-deb --locked`).
# Prints the path of the package on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
binary=target/release/baogao
generated=target/deb-assets
rm -rf "$generated"
mkdir -p "$generated"
"$binary" --generate man | gzip -9n > "$generated/baogao.1.gz"
"$binary" --generate complete-bash > "$generated/baogao.bash"
"$binary" --generate complete-zsh > "$generated/_baogao"
"$binary" --generate complete-fish > "$generated/baogao.fish"

rm -f target/debian/baogao_*.deb
cargo deb --no-build --locked >&2
ls target/debian/baogao_*.deb
