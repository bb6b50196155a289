#pragma once

#include <stdexcept>
#include <string>

namespace athanor {

// Any failure of a state store. The message always names the record or file concerned.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A record file exists but cannot be used (truncated JSON, not an object, ...). Distinct from "missing" so
// that callers never treat an unreadable record as absent (and never overwrite or orphan-delete it).
class UnreadableRecordError : public StoreError {
public:
    UnreadableRecordError(std::string file, std::string reason)
        : StoreError(file + ": " + reason), m_file(std::move(file)), m_reason(std::move(reason)) {}
    const std::string& file() const { return m_file; }
    const std::string& reason() const { return m_reason; }

private:
    std::string m_file;
    std::string m_reason;
};

// The whole source cannot be read or written right now (a database locked past its busy timeout, a file
// that is not Alchemy's database, a server that does not answer). Nothing was changed; a viewer keeps its
// last good snapshot.
class SourceUnavailableError : public StoreError {
public:
    using StoreError::StoreError;
};

// A load stopped because its caller asked (a newer load replaces it, the window closes).
class LoadCancelled : public StoreError {
public:
    LoadCancelled() : StoreError("loading the state was cancelled") {}
};

} // namespace athanor
