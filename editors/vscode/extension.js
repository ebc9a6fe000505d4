// The VS Code side of zhice: starts `zhice lsp` and passes it the settings.
// Everything a drafter sees (diagnostics, hover, rename…) comes from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration("zhice").get("path") || "zhice";
  return { command, args: ["lsp"] };
}

function initializationOptions() {
  const language = vscode.workspace.getConfiguration("zhice").get("language");
  return language && language !== "auto" ? { language } : {};
}

async function start() {
  client = new LanguageClient("zhice", "zhice", serverOptions(), {
    documentSelector: [{ scheme: "file", language: "zhice" }, { scheme: "untitled", language: "zhice" }],
    initializationOptions: initializationOptions(),
    synchronize: { configurationSection: "zhice" },
  });
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `zhice: cannot start \`${serverOptions().command} lsp\` (${e.message}). Set "zhice.path" to the zhice binary. 无法启动 zhice，请在设置中填写 zhice.path。`
    );
  }
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // A new binary needs a new server; the language is sent as configuration.
      if (e.affectsConfiguration("zhice.path")) {
        if (client) await client.stop();
        await start();
      }
    })
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
