#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>
#include <filesystem>

namespace athanor::test {

inline QString fixture(const QString& relative) {
    return QStringLiteral(ATHANOR_TEST_DATA_DIR) + QStringLiteral("/real-alchemy/") + relative;
}

// Copies a fixture tree so a test can change files without touching the checked-in data.
inline void copyTree(const QString& from, const QString& to) {
    std::filesystem::copy(from.toStdString(), to.toStdString(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
}

inline bool writeFile(const QString& path, const QByteArray& content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(content) == content.size();
}

inline QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace athanor::test
