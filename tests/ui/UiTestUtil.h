#pragma once

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QString>
#include <QStringList>
#include <filesystem>
#include <utility>

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

// Every file under `dir` with its content hash: "did anything change?" Athanor's own files (.athanor: run
// history, repair versions) are left out.
inline QMap<QString, QByteArray> treeHash(const QString& dir) {
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (!file.contains(QStringLiteral("/.athanor/")))
            out.insert(file, QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256));
    }
    return out;
}

// A copy of the real lifecycle/run2-update-orphans tree with api, readme and worker left "updating" and one
// pending deletion each in the stage record (life/dev.json) and in the naked scope storage's record, in the
// shape Alchemy writes (reference §2.5). False when the fixture is not what this expects.
inline bool makeRunsAndPendingTree(const QString& dir) {
    copyTree(fixture(QStringLiteral("lifecycle/run2-update-orphans/.alchemy")),
             dir + QStringLiteral("/.alchemy"));
    const QString dev = dir + QStringLiteral("/.alchemy/life/dev");
    for (const char* id : {"api", "readme", "worker"}) {
        const QString file = dev + QLatin1Char('/') + QLatin1String(id) + QStringLiteral(".json");
        QByteArray text = readFile(file);
        if (!text.contains("\"status\": \"updated\""))
            return false;
        text.replace("\"status\": \"updated\"", "\"status\": \"updating\"");
        if (!writeFile(file, text))
            return false;
    }
    auto entry = [](const char* kind, const char* id, const char* fqn) {
        return QStringLiteral(
                   "{\n        \"resource\": {\n          \"Symbol(alchemy::ResourceKind)\": \"%1\",\n"
                   "          \"Symbol(alchemy::ResourceID)\": \"%2\",\n"
                   "          \"Symbol(alchemy::ResourceFQN)\": \"%3\",\n"
                   "          \"Symbol(alchemy::ResourceScope)\": {\n            \"@scope\": null\n"
                   "          },\n          \"Symbol(alchemy::ResourceSeq)\": 0,\n"
                   "          \"path\": \"old-%2.txt\"\n        },\n        \"oldProps\": {\n"
                   "          \"path\": \"old-%2.txt\"\n        }\n      }")
            .arg(QLatin1String(kind), QLatin1String(id), QLatin1String(fqn))
            .toUtf8();
    };
    const std::pair<QString, QByteArray> lists[] = {
        {dir + QStringLiteral("/.alchemy/life/dev.json"), entry("fs::File", "readme", "life/dev/readme")},
        {dev + QStringLiteral("/storage.json"), entry("fs::File", "db", "life/dev/storage/db")}};
    for (const auto& [file, pending] : lists) {
        QByteArray text = readFile(file);
        if (!text.contains("\"pendingDeletions\": []"))
            return false;
        text.replace("\"pendingDeletions\": []", "\"pendingDeletions\": [\n      " + pending + "\n    ]");
        if (!writeFile(file, text))
            return false;
    }
    return true;
}

} // namespace athanor::test
