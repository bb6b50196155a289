#pragma once

#include "jobs/LatestOnlyJob.h"

#include <QMessageBox>
#include <QPointer>
#include <QString>
#include <QWidget>
#include <functional>
#include <vector>

class QLabel;
class QPushButton;

namespace athanor::ui {

// What the deploy dock runs, and the line that shows it: "Stack: alchemy.stack.json" (the built-in engine) or
// "Program: alchemy.run.ts (bun 1.4.5)" (the project's own Alchemy program), with Choose… to pick another
// file. The target is found as athanorctl's findRunTarget() finds it: the stack file, else the first of
// alchemy.run.ts / .js / .mts / .mjs. A folder holding both asks once which one the dock drives and remembers
// the answer per project (QSettings; a kind and a runtime path, never a secret). The folder is looked at and
// the target read off the GUI thread (isLoading() meanwhile), as is the runtime the program will run with (it
// starts `<runtime> --version`).
class RunTargetWidget : public QWidget {
    Q_OBJECT

public:
    enum class Kind { None, Stack, Program };

    explicit RunTargetWidget(QWidget* parent = nullptr);
    ~RunTargetWidget() override;

    // The project folder (holding .alchemy); empty closes. Keeps a file the user chose while the root stays.
    void setProjectRoot(const QString& root);
    // A file to run: a .ts / .mts / .js / .mjs is a program, anything else a stack file; empty: none.
    void setEntry(const QString& file);

    Kind kind() const { return m_kind; }
    bool isProgram() const { return m_kind == Kind::Program; }
    QString entry() const { return m_entry; }
    QString stackFile() const { return m_kind == Kind::Stack ? m_entry : QString(); }
    QString program() const { return m_kind == Kind::Program ? m_entry : QString(); }
    // The program Alchemy's CLI would run in the project folder, whatever the dock drives (destroy offers it
    // when the built-in engine refuses kinds it has no provider for).
    QString programInFolder() const { return m_programInFolder; }

    // The runtime the program runs with; empty: chosen as Alchemy's CLI chooses. Remembered per project.
    void setRuntimeOverride(const QString& runtime);
    QString runtimeOverride() const { return m_runtime; }
    // "bun 1.4.5" once looked up; empty while looking or when none fits (runtimeProblem() says why).
    QString runtimeText() const { return m_runtimeText; }
    QString runtimeProblem() const { return m_runtimeProblem; }

    // What the dock needs to know of the target, read off the GUI thread when it is set (empty while
    // isLoading()).
    struct Details {
        QString app;                // the stack file's "app", or the one alchemy("name") of the program
        QString problem;            // the stack file cannot be used (unreadable, not JSON): why
        bool passwordKnown = false; // the stack resolves its password itself, or the program passes its own
        bool declaresSecrets =
            false; // $secret / random::String in the stack, secret( / RandomString in a program
    };
    const Details& details() const { return m_details; }
    // The folder is being looked at or the target read: kind(), entry() and details() are not final yet.
    bool isLoading() const { return m_loading; }
    // Calls `callback` once the target is read (now when it is); e.g. a run started right after setEntry().
    void whenLoaded(std::function<void()> callback);
    QString label() const; // the line's plain text, e.g. "Program: alchemy.run.ts (bun 1.4.5)"
    QPushButton* chooseButton() const { return m_choose; }
    // The "which one?" question of a folder with both a stack file and a program, while it is open.
    QMessageBox* pendingChoice() const { return m_question; }

    // Where the answer for a folder with both is kept (tests clear it).
    static QString settingsKey(const QString& root);

signals:
    void targetChanged();
    void runtimeResolved();

private:
    struct FolderScan {
        QString program; // the program Alchemy's CLI would run there
        bool hasStack = false;
    };
    static Details readDetailsOf(Kind kind, const QString& entry);
    void chooseInFolder(const QString& stack); // `stack`: the folder's stack file, empty when it has none
    void apply(Kind kind, const QString& entry);
    void runWhenLoaded();
    void askWhichOne(const QString& stack, const QString& program);
    void resolveRuntime();
    void refreshLabel();

    QLabel* m_caption;
    QLabel* m_value;
    QPushButton* m_choose;
    QPointer<QMessageBox> m_question;

    QString m_root;
    Kind m_kind = Kind::None;
    QString m_entry;
    bool m_chosen = false; // picked with Choose…: survives project reloads
    QString m_programInFolder;
    Details m_details;
    QString m_runtime;
    QString m_runtimeText;
    QString m_runtimeProblem;
    quint64 m_runtimeGeneration = 0;
    bool m_loading = false;
    std::vector<std::function<void()>> m_whenLoaded;
    LatestOnlyJob<FolderScan> m_scan;
    LatestOnlyJob<Details> m_reader;
};

} // namespace athanor::ui
