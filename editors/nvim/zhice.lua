-- zhice for Neovim (0.7 or later): put this file on your runtimepath
-- (e.g. ~/.config/nvim/lua/zhice.lua) and `require("zhice").setup()`.
-- `.policy` and `.tests` files get the `zhice` filetype and `zhice lsp`.
local M = {}

function M.setup(opts)
  opts = opts or {}
  local cmd = { opts.path or "zhice", "lsp" }
  vim.cmd([[autocmd BufRead,BufNewFile *.policy,*.tests setfiletype zhice]])
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "zhice",
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      local id = M.client_id
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client({
          name = "zhice",
          cmd = cmd,
          root_dir = vim.fn.fnamemodify(file, ":p:h"),
          init_options = { language = opts.language },
        })
        M.client_id = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

return M
