#include "store/ProcessIdentity.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace athanor {

std::string hostName() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "unknown-host";
    return buf;
}

const std::string& bootId() {
    static const std::string id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string text;
        std::getline(in, text);
        return text;
    }();
    return id;
}

std::optional<uint64_t> processStartTicks(long pid) {
    if (pid <= 0)
        return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text))
        return std::nullopt;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the fields follow the last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    for (int index = 3; fields >> field; ++index)
        if (index == 22)
            try {
                return std::stoull(field);
            } catch (const std::exception&) {
                return std::nullopt;
            }
    return std::nullopt;
}

std::optional<double> processStartEpochSeconds(long pid) {
    const std::optional<uint64_t> ticks = processStartTicks(pid);
    if (!ticks)
        return std::nullopt;
    static const std::optional<double> bootTime = []() -> std::optional<double> {
        std::ifstream in("/proc/stat");
        for (std::string key; in >> key;) {
            if (key == "btime") {
                double seconds = 0;
                if (in >> seconds)
                    return seconds;
                return std::nullopt;
            }
            in.ignore(1 << 20, '\n');
        }
        return std::nullopt;
    }();
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    if (!bootTime || ticksPerSecond <= 0)
        return std::nullopt;
    return *bootTime + static_cast<double>(*ticks) / static_cast<double>(ticksPerSecond);
}

bool processExists(long pid) {
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) == 0)
        return true;
    return errno == EPERM; // exists, owned by someone else
}

} // namespace athanor
