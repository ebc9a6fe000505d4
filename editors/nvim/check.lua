-- Run by check.sh inside a headless Neovim: opens a policy, waits for zhice's
-- diagnostics, asks for a hover, and writes both to $ZHICE_NVIM_OUT as JSON.
local out = os.getenv("ZHICE_NVIM_OUT")
package.path = os.getenv("ZHICE_NVIM_DIR") .. "/?.lua;" .. package.path
require("zhice").setup({ path = os.getenv("ZHICE_BIN"), language = "en" })

local function finish(result)
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("ZHICE_POLICY")))
local buf = vim.api.nvim_get_current_buf()
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(diagnostics, { line = d.lnum, col = d.col, message = d.message, code = d.code })
end
if not got then
  finish({ error = "no diagnostics within 20 s" })
  return
end

-- hover on the use of `data_space_cap` in `at most data_space_cap`
local line, col
for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local s = text:find("at most data_space_cap", 1, true)
  if s then
    line, col = i - 1, s - 1 + #"at most " + 2
    break
  end
end
local client = vim.lsp.get_client_by_id(require("zhice").client_id)
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
local answer = client.request_sync("textDocument/hover", params, 10000, buf)
local hover = answer and answer.result and answer.result.contents and answer.result.contents.value or vim.NIL
finish({ diagnostics = diagnostics, hover = hover })
