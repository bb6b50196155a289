// Athanor rekeys, Alchemy reads: after `athanorctl state rekey` of the real fixture secrets/01-up, real
// alchemy@0.94.0 in read phase (tests/data/repair/vault-read.mjs) opens every secret with the new password
// and none with the old one; the child scope team keeps its own password; undo gives the old one back.
#include "EngineTestFiles.h"
#include "NodeDeps.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <sstream>

using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

const char* const kOldPassword = "correct horse battery staple";
const char* const kNewPassword = "a brand new passphrase";

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runProcess(const QString& program, const QStringList& args, const fs::path& folder,
               const char* password) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NO_COLOR", "1");
    env.insert("DO_NOT_TRACK", "1");
    env.insert("ALCHEMY_TELEMETRY_DISABLED", "1");
    env.insert("ALCHEMY_PASSWORD", password);
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(QString::fromStdString(folder.string()));
    p.start(program, args);
    if (!p.waitForFinished(300000))
        throw std::runtime_error(program.toStdString() + " did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            p.readAllStandardOutput().toStdString(), p.readAllStandardError().toStdString()};
}

// What real Alchemy reads: the "READ fqn pointer = plaintext" and "UNREADABLE fqn: error" lines, sorted.
std::vector<std::string> alchemyReads(const fs::path& project, const char* password, int& exitCode) {
    const QString node = QStandardPaths::findExecutable("node");
    if (node.isEmpty())
        throw std::runtime_error("node is not installed");
    const Run r = runProcess(node, {"vault-read.mjs"}, project, password);
    exitCode = r.exitCode;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("READ ", 0) == 0 || line.rfind("UNREADABLE ", 0) == 0)
            lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

size_t countStarting(const std::vector<std::string>& lines, const std::string& prefix) {
    return static_cast<size_t>(std::count_if(lines.begin(), lines.end(),
                                             [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

} // namespace

class TestRepairAlchemy : public QObject {
    Q_OBJECT

private slots:
    void alchemyReadsRekeyedSecretsWithTheNewPasswordOnly() {
        requireNodeDeps();
        QTemporaryDir dir;
        const fs::path project = dir.path().toStdString();
        fs::copy(test_files::fixtureDir() / "secrets/01-up/.alchemy", project / ".alchemy",
                 fs::copy_options::recursive);
        fs::copy_file(fs::path(ATHANOR_TEST_DATA_DIR) / "repair/vault-read.mjs", project / "vault-read.mjs");
        fs::create_directory_symlink(node_deps::nodeModules(), project / "node_modules");

        int rc = -1;
        const std::vector<std::string> before = alchemyReads(project, kOldPassword, rc);
        QCOMPARE(rc, 0);
        QCOMPARE(countStarting(before, "READ vault/dev/config "), size_t(7));
        QCOMPARE(countStarting(before, "READ vault/dev/team/"), size_t(5));

        writeFile(project / "new-password.txt", std::string(kNewPassword) + "\n");
        const Run rekey =
            runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"),
                       {"state", "rekey", "--new-password-file",
                        QString::fromStdString((project / "new-password.txt").string()), "--yes"},
                       project, kOldPassword);
        QVERIFY2(rekey.exitCode == 0, (rekey.out + rekey.err).c_str());

        const std::vector<std::string> withNew = alchemyReads(project, kNewPassword, rc);
        QCOMPARE(rc, 0);
        QVERIFY(withNew == before); // every secret, the same plaintext

        const std::vector<std::string> withOld = alchemyReads(project, kOldPassword, rc);
        QCOMPARE(rc, 2);
        // The old password opens none of the stage's records; team's own password still opens team's.
        QCOMPARE(countStarting(withOld, "UNREADABLE vault/dev/"), size_t(3));
        QCOMPARE(countStarting(withOld, "READ "), countStarting(before, "READ vault/dev/team/"));

        const Run undo = runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), {"state", "undo", "--yes"},
                                    project, kOldPassword);
        QVERIFY2(undo.exitCode == 0, (undo.out + undo.err).c_str());
        QVERIFY(alchemyReads(project, kOldPassword, rc) == before);
        QCOMPARE(rc, 0);
    }
};

QTEST_GUILESS_MAIN(TestRepairAlchemy)
#include "tst_repair_alchemy.moc"
