#pragma once

#include "json/Json.h"
#include <string>
#include <vector>

namespace athanor::cloudflare {

// A row of the worker's `resources` table (as `get` / `all` return it: id, status, kind, fqn, seq, data,
// props, oldProps, output, JSON columns as values) as the record document Alchemy's file store would hold:
// its fields in the order of Alchemy's write that gives such a record (reference §2.4) — a naked scope's
// (fqn ""), a placeholder's or a stage's (status before data), else a success write's — with oldProps last.
// The worker keeps no key order, and these are the orders every real Alchemy record has, so a record copied
// from a folder into the worker and back keeps its bytes. Fields the table does not know keep their place
// at the end.
Json recordFromRow(const Json& row);

// "cloudflare:URL row (["shop","dev"], id)": where a record lives, for messages.
std::string rowLocation(const std::string& subject, const std::vector<std::string>& chain,
                        const std::string& id);

} // namespace athanor::cloudflare
