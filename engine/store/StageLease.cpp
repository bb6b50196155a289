#include "store/StageLease.h"

#include "state/UtcTime.h"
#include "store/ProcessIdentity.h"

#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>
#include <signal.h>
#include <unistd.h>

namespace athanor {

namespace {} // namespace

std::string StageLockHolder::thisHost() {
    return hostName();
}

StageLockHolder StageLockHolder::thisProcess(const std::string& operation) {
    return {static_cast<long>(::getpid()), thisHost(), isoUtcText(std::chrono::system_clock::now()),
            operation};
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
