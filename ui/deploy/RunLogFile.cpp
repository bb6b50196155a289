#include "deploy/RunLogFile.h"

#include "events/EventJson.h"

#include <QFile>

namespace athanor::ui {

RunLogFile::RunLogFile(const QString& fileName) : m_fileName(fileName) {
    m_file = std::fopen(QFile::encodeName(fileName).constData(), "wb");
    if (m_file)
        std::setvbuf(m_file, nullptr, _IOFBF, 1 << 16);
}

RunLogFile::~RunLogFile() {
    close();
}

void RunLogFile::write(const athanor::EngineEvent& event) {
    std::string line = eventToJson(event).dump(-1, ' ', false, athanor::Json::error_handler_t::replace);
    line += '\n';
    const std::lock_guard lock(m_mutex);
    if (m_file)
        std::fwrite(line.data(), 1, line.size(), m_file);
}

void RunLogFile::close() {
    const std::lock_guard lock(m_mutex);
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
}

} // namespace athanor::ui
