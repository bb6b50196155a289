#include "history/RunLogWriter.h"

#include "events/EventJson.h"

namespace athanor {

RunLogWriter::RunLogWriter(const std::filesystem::path& file) : m_path(file) {
    m_file = std::fopen(file.c_str(), "wbe"); // "e": O_CLOEXEC, so programs we start never inherit it
    if (m_file)
        std::setvbuf(m_file, nullptr, _IOFBF, 1 << 16);
}

RunLogWriter::~RunLogWriter() {
    close();
}

bool RunLogWriter::isOpen() const {
    const std::lock_guard lock(m_mutex);
    return m_file != nullptr;
}

void RunLogWriter::onEvent(const EngineEvent& event) {
    std::string line = eventToJson(event).dump(-1, ' ', false, Json::error_handler_t::replace);
    line += '\n';
    const std::lock_guard lock(m_mutex);
    if (m_file)
        std::fwrite(line.data(), 1, line.size(), m_file);
}

void RunLogWriter::close() {
    const std::lock_guard lock(m_mutex);
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
}

} // namespace athanor
