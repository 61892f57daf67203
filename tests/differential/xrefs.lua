-- Cross-references in pandoc-crossref syntax (@fig:x, @tbl:x, @sec:x, @eq:x) are not
-- citations. Without pandoc-crossref, give them back their source text before citeproc runs,
-- so Pandoc prints them as written instead of a "???" note; the comparison maps imprint's
-- cross-reference links back to the same source text.
local prefixes = { "fig:", "tbl:", "sec:", "eq:" }

local function is_xref(id)
  for _, prefix in ipairs(prefixes) do
    if id:sub(1, #prefix) == prefix then
      return true
    end
  end
  return false
end

function Cite(cite)
  for _, citation in ipairs(cite.citations) do
    if not is_xref(citation.id) then
      return nil
    end
  end
  return cite.content
end
