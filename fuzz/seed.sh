#!/bin/sh
# Fills the fuzz corpora from the repository: the seed corpus and the rule fixtures for
# check and fix, the configs for config, the default pack for pack, and a few editor sessions
# for server. Run from fuzz/.
set -eu
mkdir -p corpus/check corpus/fix corpus/config corpus/pack corpus/server
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

# Editor sessions (the target sends `initialize` and `initialized` first): one message per
# feature the server answers, on a page with links, a CR-only page, and malformed frames.
frame() {
    printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$1" | wc -c)" "$1"
}
uri='file:///tmp/galley-fuzz-seed/a.md'
doc="{\"textDocument\":{\"uri\":\"$uri\"},\"position\":{\"line\":4,\"character\":3}}"
open() {
    frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"languageId\":\"markdown\",\"version\":1,\"text\":\"$1\"}}}"
}
request() {
    frame "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"$2\",\"params\":$3}"
}
page='# A\n\n## Part one\n\n[b](guide/b.md#risk) [x](/gone) - item\n\n> \n\nText ,, here.\n'
{
    open "$page"
    frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":2,\"character\":3},\"end\":{\"line\":2,\"character\":7}},\"text\":\"Del\"}]}}"
    request 1 textDocument/hover "$doc"
    request 2 textDocument/completion "$doc"
    request 3 textDocument/definition "$doc"
    request 4 textDocument/references "{\"textDocument\":{\"uri\":\"$uri\"},\"position\":{\"line\":2,\"character\":4},\"context\":{\"includeDeclaration\":true}}"
    request 5 textDocument/codeAction "{\"textDocument\":{\"uri\":\"$uri\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":9,\"character\":0}},\"context\":{\"diagnostics\":[]}}"
    request 6 textDocument/diagnostic "{\"textDocument\":{\"uri\":\"$uri\"}}"
    request 7 textDocument/documentSymbol "{\"textDocument\":{\"uri\":\"$uri\"}}"
    request 8 textDocument/documentLink "{\"textDocument\":{\"uri\":\"$uri\"}}"
    request 9 workspace/symbol '{"query":"a"}'
    request 10 textDocument/rename "{\"textDocument\":{\"uri\":\"$uri\"},\"position\":{\"line\":2,\"character\":4},\"newName\":\"Part two\"}"
    request 11 workspace/willRenameFiles "{\"files\":[{\"oldUri\":\"$uri\",\"newUri\":\"file:///tmp/galley-fuzz-seed/c.md\"}]}"
    frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didSave\",\"params\":{\"textDocument\":{\"uri\":\"$uri\"}}}"
    frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\",\"params\":{\"textDocument\":{\"uri\":\"$uri\"}}}"
    request 12 shutdown null
    frame '{"jsonrpc":"2.0","method":"exit"}'
} > corpus/server/features
{
    open 'Keep.\r\rIntro:\r\u2013 one\r\u2013 two\r---\rx: [\r'
    frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":2,\"character\":0},\"end\":{\"line\":3,\"character\":1}},\"text\":\"New \"}]}}"
    request 1 textDocument/codeAction "{\"textDocument\":{\"uri\":\"$uri\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"context\":{\"diagnostics\":[],\"only\":[\"source.fixAll\"]}}"
} > corpus/server/cr-only
{
    printf 'Content-Length: 1000000000000\r\n\r\n{}'
    frame '{"jsonrpc": "2.0", "id": '
    frame '{"id": 41, "hello": "world"}'
    printf 'Content-Type: x\r\n\r\n{"jsonrpc":"2.0"}'
    request 2 textDocument/hover '{"x":1}'
    frame '{"jsonrpc":"2.0","method":"exit"}'
} > corpus/server/malformed
