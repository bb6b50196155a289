#pragma once
// What a state source holds, read back through its own door: the before/after picture tests compare when a
// repair must change exactly one record (or none) on a remote server.

#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace athanor::test {

// Every record of `spec` as the source gives it back, keyed "chain/…/id": an S3 object's bytes, a worker
// row in file form. `knownApps` names the apps of a store that cannot list them (the Cloudflare worker).
inline std::map<std::string, std::string> recordsOn(const SourceSpec& spec,
                                                    std::vector<std::string> knownApps = {"vault"}) {
    const std::shared_ptr<StateSource> source = openStateSource(spec);
    SnapshotOptions options;
    options.knownApps = std::move(knownApps);
    const auto snapshot = loadSnapshot(*source, options, {}, {});
    std::map<std::string, std::string> out;
    for (const auto& record : snapshot->records) {
        std::string key;
        for (const auto& part : record.chain)
            key += part + "/";
        key += record.id;
        const std::optional<std::string> text = source->readRecordText(record.chain, record.id);
        if (!text)
            throw std::runtime_error(key + " vanished while it was read");
        out[key] = *text;
    }
    return out;
}

} // namespace athanor::test
