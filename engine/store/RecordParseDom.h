#pragma once

// simdjson's inline code trips GCC 12's dangling-pointer analysis; the warnings are in the library (clang,
// which builds the fuzzers, knows none of these groups).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <simdjson.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace athanor {

// A simdjson DOM parser that refuses exactly the texts parseJsonText() refuses for depth (deeper than
// kMaxJsonDepth), so the fast record paths and the reference parser agree and every walker over a simdjson
// DOM stays within the same bound. Every simdjson parser of record text comes from here.
simdjson::dom::parser newRecordDomParser();

} // namespace athanor
