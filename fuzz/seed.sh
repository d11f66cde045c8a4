#!/bin/sh
# Fills the fuzz corpora from the repository: the seed corpus and the rule fixtures for
# check and fix, the configs for config, the default pack for pack. Run from fuzz/.
set -eu
mkdir -p corpus/check corpus/fix corpus/config corpus/pack
for target in check fix; do
    find ../seeds ../tests/fixtures -name '*.md' | while read -r file; do
        cp "$file" "corpus/$target/$(echo "${file#../}" | tr '/' '_')"
    done
done
find .. -name 'galley.toml' -not -path '*/target*' -not -path './corpus/*' | while read -r file; do
    cp "$file" "corpus/config/$(echo "${file#../}" | tr '/' '_')"
done
for file in ../rules/*.yaml; do
    cp "$file" "corpus/pack/$(basename "$file")"
done
