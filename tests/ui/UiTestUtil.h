#pragma once

// What the GUI tests share: fixture trees and files, the test's application set-up, windows opened on a
// project (with the deploy dock), runs waited for, menus searched, screenshots for looking at.
#include "ScopedEnv.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "commands/StateMigration.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunOutcome.h"
#include "deploy/RunTargetWidget.h"
#include "log/LogModel.h"
#include "models/StateTreeModel.h"
#include "sources/OpenSourceDialog.h"
#include "sources/SourcePicker.h"
#include "state/StateIndex.h"
#include "store/StateSources.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLineEdit>
#include <QMap>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <filesystem>
#include <functional>
#include <memory>
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

// The demo project of examples/ (a stack file and its files), to copy before running it.
inline QString demoProject() {
    return QStringLiteral(ATHANOR_TEST_DATA_DIR) + QStringLiteral("/../../examples/demo");
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

// A test's application as the GUI sees it: its own settings (cleared), the icons and the theme. `testName`
// names the settings file, so tests never share one.
inline std::unique_ptr<ui::Theme> startGuiTest(const QString& testName) {
    QCoreApplication::setOrganizationName(QStringLiteral("AthanorTests"));
    QCoreApplication::setApplicationName(testName);
    QSettings().clear();
    ui::initResources();
    return std::make_unique<ui::Theme>();
}

// With ATHANOR_SCREENSHOT_DIR set (run under Xvfb with QT_QPA_PLATFORM=xcb for looking at them), saves
// `widget`'s window as <name>.png once its last repaint has landed. The test checks the same either way.
inline void saveScreenshot(QWidget* widget, const QString& name) {
    const QString dir = qEnvironmentVariable("ATHANOR_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(200);
    const QString file = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QVERIFY2(widget->window()->grab().save(file, "PNG"), qPrintable(file));
}

// A project folder `<tmp>/p` holding a copy of the fixture step's .alchemy (e.g. "secrets/01-up").
inline QString copyFixtureProject(const QTemporaryDir& tmp, const QString& step) {
    const QString dir = tmp.filePath(QStringLiteral("p"));
    QDir().mkpath(dir);
    copyTree(fixture(step + QStringLiteral("/.alchemy")), dir + QStringLiteral("/.alchemy"));
    return dir;
}

// Copies the state of the folder `project` into `target` as `athanorctl state migrate` does.
inline void copyStateInto(const QString& project, const SourceSpec& target) {
    auto from = openStateSource(SourceSpec::folder(project.toStdString()));
    auto to = openStateSource(target);
    const MigrationReport report = migrateState(*from, *to, {});
    QVERIFY2(report.succeeded(), report.problems.empty() ? "refused" : report.problems.front().c_str());
}

// A new window of `size`, shown; made active when `activate` (remote sources are polled only while it is).
inline std::unique_ptr<ui::MainWindow> shownWindow(ui::Theme* theme, QSize size, bool activate = false) {
    auto window = std::make_unique<ui::MainWindow>(theme);
    window->resize(size);
    window->show();
    if (activate) {
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get()))
            qWarning("the window did not become active");
    }
    return window;
}

// Shows `window` at `size` and opens `project` (a folder or a source's text) in it.
inline void showProject(ui::MainWindow& window, const QString& project, QSize size = {1300, 900}) {
    window.resize(size);
    window.show();
    window.openProject(project);
}

// A window with the deploy dock.
struct DeployWindow {
    std::unique_ptr<ui::MainWindow> window;
    ui::DeployConsole* console = nullptr;
};

// Waits until the console has a project and has read what it runs (the stack file or program is looked for
// and read off the GUI thread); false when that did not happen within `timeoutMs`.
inline bool waitTargetRead(ui::DeployConsole* console, int timeoutMs = 10000) {
    return QTest::qWaitFor(
        [console] { return !console->projectRoot().isEmpty() && !console->target()->isLoading(); },
        timeoutMs);
}

// A new window with the deploy dock (`readOnly`: runs that write are refused), shown, the project opened and
// its stack file or program read.
inline DeployWindow openDeployWindow(ui::Theme* theme, const QString& project, QSize size = {1300, 900},
                                     bool readOnly = false) {
    DeployWindow h;
    h.window = std::make_unique<ui::MainWindow>(theme);
    h.console = ui::installDeployConsole(h.window.get(), readOnly);
    showProject(*h.window, project, size);
    waitTargetRead(h.console);
    return h;
}

// Waits for the console's next run to end; how it ended, null when it did not within `timeoutMs`.
inline std::shared_ptr<const ui::RunOutcome> waitRun(ui::DeployConsole* console, int timeoutMs) {
    QSignalSpy finished(console, &ui::DeployConsole::runFinished);
    if (!finished.wait(timeoutMs))
        return nullptr;
    return finished.at(0).at(0).value<std::shared_ptr<const ui::RunOutcome>>();
}

// Presses Up, waits for its plan and applies it (the Up then runs: waitRun() gives its outcome). The plan
// dialog's change count; -1 when the plan did not succeed or showed no dialog to apply.
inline int pressUpAndConfirm(ui::DeployConsole* console, int timeoutMs) {
    QTest::mouseClick(console->upButton(), Qt::LeftButton);
    auto plan = waitRun(console, timeoutMs);
    if (!plan || plan->request.phase != Phase::Plan || plan->end != ui::RunEnd::Succeeded)
        return -1;
    auto* dialog = qobject_cast<ui::PlanDialog*>(console->pendingDialog());
    if (!dialog || !dialog->applyButton())
        return -1;
    const int changes = dialog->changeCount();
    QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
    return changes;
}

// The status the window's tree shows for `fqn` (None when it is not there).
inline ui::StatusCategory treeStatus(ui::MainWindow* window, const QString& fqn) {
    const auto index = window->treeModel()->stateIndex();
    if (!index)
        return ui::StatusCategory::None;
    const int32_t node = index->nodeByFqn.value(fqn, -1);
    return node < 0 ? ui::StatusCategory::None : index->nodes[std::size_t(node)].status;
}

// The top-level row of `model` whose first column shows `text` (invalid when none does).
inline QModelIndex rowNamed(const QAbstractItemModel* model, const QString& text) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data().toString() == text)
            return model->index(row, 0);
    return {};
}

// Whether a line of the log contains `needle`.
inline bool hasLogLine(const ui::LogModel* model, const QString& needle) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->entry(row).message.contains(needle))
            return true;
    return false;
}

// The action of `menu` whose text is `text`, or null.
inline QAction* actionWithText(QMenu* menu, const QString& text) {
    for (QAction* a : menu->actions())
        if (a->text() == text)
            return a;
    return nullptr;
}

// File › Open State Source… on `window`: `fill` fills the dialog (it may QVERIFY), then Open is clicked.
// False when no dialog came or `fill` failed (the dialog is then cancelled, so the test does not hang).
inline bool openSourceThroughDialog(ui::MainWindow& window,
                                    const std::function<void(ui::OpenSourceDialog*)>& fill) {
    bool filled = false;
    QTimer::singleShot(0, &window, [&] {
        auto* dialog = qobject_cast<ui::OpenSourceDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        fill(dialog);
        if (QTest::currentTestFailed()) {
            dialog->reject();
            return;
        }
        filled = true;
        dialog->buttons()->button(QDialogButtonBox::Open)->click();
    });
    window.chooseSource();
    return filled;
}

// The picker set to Alchemy's state worker at `url` with the apps `apps` (its token left to the caller).
inline void pickCloudflareWorker(ui::SourcePicker* picker, const std::string& url, const QString& apps) {
    picker->kindBox()->setCurrentIndex(picker->kindBox()->findData(int(SourceSpec::Kind::Cloudflare)));
    picker->locationEdit()->setText(QString::fromStdString(url));
    picker->appsEdit()->setText(apps);
}

} // namespace athanor::test
