// Tokenizes files with the extension's TextMate grammar, through the same
// engine VS Code uses (vscode-textmate with Oniguruma), and prints each
// token with its scopes. tests/highlight.rs snapshots the output.
//
//   node test/tokenize.js FILE...
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function registry() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.zhice") return null;
      const file = path.join(__dirname, "..", "syntaxes", "zhice.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
}

function tokenize(grammar, text) {
  const out = [];
  let state = vsctm.INITIAL;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    out.push(line);
    for (const t of r.tokens) {
      const piece = line.substring(t.startIndex, t.endIndex);
      if (piece.trim() === "") continue;
      const scopes = t.scopes.filter((s) => s !== "source.zhice");
      out.push(`  ${JSON.stringify(piece)} ${scopes.join(" ") || "-"}`);
    }
    state = r.ruleStack;
  }
  return out.join("\n") + "\n";
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node test/tokenize.js FILE...");
    process.exit(2);
  }
  const grammar = await (await registry()).loadGrammar("source.zhice");
  for (const f of files) process.stdout.write(tokenize(grammar, fs.readFileSync(f, "utf8")));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
