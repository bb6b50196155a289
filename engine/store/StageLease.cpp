#include "store/StageLease.h"

#include "store/ProcessIdentity.h"

#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>
#include <signal.h>
#include <unistd.h>

namespace athanor {

namespace {

std::string isoNow() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

} // namespace

std::string StageLockHolder::thisHost() {
    return hostName();
}

StageLockHolder StageLockHolder::thisProcess(const std::string& operation) {
    return {static_cast<long>(::getpid()), thisHost(), isoNow(), operation};
}

bool StageLockHolder::isStaleOnThisHost() const {
    return host == thisHost() && !processExists(pid);
}

Json StageLockHolder::toJson() const {
    Json doc = Json::object();
    doc["pid"] = pid;
    doc["host"] = host;
    doc["since"] = since;
    doc["operation"] = operation;
    return doc;
}

StageLockHolder StageLockHolder::fromJson(const Json& doc) {
    StageLockHolder holder;
    if (!doc.is_object())
        return holder;
    if (auto it = doc.find("pid"); it != doc.end() && it->is_number_integer())
        holder.pid = it->get<long>();
    for (auto [key, field] : {std::pair{"host", &holder.host}, std::pair{"since", &holder.since},
                              std::pair{"operation", &holder.operation}})
        if (auto it = doc.find(key); it != doc.end() && it->is_string())
            *field = it->get<std::string>();
    return holder;
}

std::string StageLockHolder::describe(const std::string& app, const std::string& stage) const {
    return "stage " + app + "/" + stage + " is locked by pid " + std::to_string(pid) + " on host " +
           (host.empty() ? std::string("?") : host) + " since " + (since.empty() ? std::string("?") : since) +
           (operation.empty() ? std::string() : " (running " + operation + ")");
}

} // namespace athanor
