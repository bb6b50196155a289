#include "deploy/RunLogFile.h"

#include <QFile>

namespace athanor::ui {

RunLogFile::RunLogFile(const QString& fileName)
    : m_fileName(fileName), m_writer(std::filesystem::path(QFile::encodeName(fileName).toStdString())) {}

} // namespace athanor::ui
