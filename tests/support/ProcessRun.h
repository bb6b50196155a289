#pragma once

// Running a child process (athanorctl, node, bun) from a test, and reading real Alchemy's console lines.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace testsupport {

struct ProcessRun {
    int exitCode = -1; // -1 when the process crashed
    std::string out;
    std::string err;
};

// Runs `program` in `cwd` with this process's environment minus `removedEnv` plus `extraEnv`; throws when it
// has not finished after 5 minutes (it is killed then).
inline ProcessRun runProcess(const QString& program, const QStringList& args,
                             const std::filesystem::path& cwd, const std::vector<const char*>& removedEnv,
                             const std::map<QString, QString>& extraEnv) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : removedEnv)
        env.remove(QString::fromLatin1(name));
    for (const auto& [name, value] : extraEnv)
        env.insert(name, value);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(QString::fromStdString(cwd.string()));
    p.start(program, args);
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        throw std::runtime_error(program.toStdString() + " did not finish");
    }
    ProcessRun r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput().toStdString();
    r.err = p.readAllStandardError().toStdString();
    return r;
}

// The resource lines of Alchemy's console as (status, display path):
// "[skipped]   team > team-config Skipped Resource (no changes)" → ("skipped", "team > team-config").
inline std::vector<std::pair<std::string, std::string>> resourceLines(const std::string& out) {
    std::vector<std::pair<std::string, std::string>> lines;
    static const std::regex line(
        R"(^\[(\w+)\]\s+(.+?) (Created|Creating|Updated|Updating|Skipped|Deleted|Deleting) Resource)");
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_search(l, m, line))
            lines.emplace_back(m[1].str(), m[2].str());
    }
    return lines;
}

} // namespace testsupport
