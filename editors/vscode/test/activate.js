// Activates extension.js against stand-ins for VS Code and the language
// client, and checks what it asks for: `zhice lsp` from the `zhice.path`
// setting, the `zhice.language` setting as an initialization option, the
// zhice documents, and a new server when the path changes.
"use strict";

const assert = require("assert");
const Module = require("module");

const settings = { path: "/opt/zhice/bin/zhice", language: "zh" };
const started = [];
const stopped = [];
let onConfig;

class FakeClient {
  constructor(id, name, server, client) {
    Object.assign(this, { id, name, server, client });
    started.push(this);
  }
  async start() {}
  async stop() {
    stopped.push(this);
  }
}

const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => {
        assert.strictEqual(section, "zhice");
        return { get: (key) => settings[key] };
      },
      onDidChangeConfiguration: (f) => {
        onConfig = f;
        return { dispose() {} };
      },
    },
    window: { showErrorMessage: (m) => assert.fail(m) },
  },
  "vscode-languageclient/node": { LanguageClient: FakeClient },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request in fakes ? fakes[request] : load.call(this, request, ...rest);
};

(async () => {
  const ext = require("../extension.js");
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.strictEqual(started.length, 1);
  const c = started[0];
  assert.deepStrictEqual(c.server, { command: "/opt/zhice/bin/zhice", args: ["lsp"] });
  assert.deepStrictEqual(c.client.initializationOptions, { language: "zh" });
  assert.deepStrictEqual(c.client.documentSelector.map((d) => d.language), ["zhice", "zhice"]);
  assert.strictEqual(c.client.synchronize.configurationSection, "zhice");

  // a new binary: the old server stops, a new one starts with it
  settings.path = "zhice";
  settings.language = "auto";
  await onConfig({ affectsConfiguration: (s) => s === "zhice.path" });
  assert.deepStrictEqual(stopped, [c]);
  assert.strictEqual(started.length, 2);
  assert.deepStrictEqual(started[1].server, { command: "zhice", args: ["lsp"] });
  assert.deepStrictEqual(started[1].client.initializationOptions, {});

  // only the language changed: the same server, told through configuration
  await onConfig({ affectsConfiguration: (s) => s === "zhice.language" });
  assert.strictEqual(started.length, 2);

  await ext.deactivate();
  assert.deepStrictEqual(stopped, [c, started[1]]);
  console.log("ok: the extension starts `zhice lsp` with its settings");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
