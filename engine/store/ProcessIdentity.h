#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace athanor {

// What tells a live process from a dead one whose pid was reused (Linux /proc): a lock or a temp file names
// its writer by pid, boot and start time, so "its process is gone" can be proven, not guessed.
std::string hostName();
// /proc/sys/kernel/random/boot_id; empty when unknown.
const std::string& bootId();
// The start time of `pid` in clock ticks since boot (/proc/<pid>/stat, field 22); nullopt when there is no
// such process (or /proc cannot tell).
std::optional<uint64_t> processStartTicks(long pid);
// The start time of `pid` as seconds since the epoch; nullopt when unknown.
std::optional<double> processStartEpochSeconds(long pid);
// kill(pid, 0): it exists (maybe owned by someone else).
bool processExists(long pid);

} // namespace athanor
