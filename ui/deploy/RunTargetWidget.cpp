#include "deploy/RunTargetWidget.h"

#include "program/ProgramEntry.h"
#include "program/ProgramRuntime.h"
#include "widgets/ThemeColors.h"

#include "json/JsonParse.h"
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTextDocumentFragment>
#include <QtConcurrent/QtConcurrentRun>
#include <utility>

namespace athanor::ui {

namespace {

const QString kStackAnswer = QStringLiteral("stack");
const QString kProgramAnswer = QStringLiteral("program");

QString runtimeKey(const QString& root) {
    return QStringLiteral("deploy/runtime/") + QString::fromUtf8(root.toUtf8().toPercentEncoding());
}

bool declaresSecrets(const athanor::Json& j) {
    if (j.is_object()) {
        if (j.contains("$secret"))
            return true;
        if (auto it = j.find("kind");
            it != j.end() && it->is_string() && it->get<std::string>() == "random::String")
            return true;
        for (const auto& child : j)
            if (declaresSecrets(child))
                return true;
    } else if (j.is_array()) {
        for (const auto& child : j)
            if (declaresSecrets(child))
                return true;
    }
    return false;
}

// The stack's password can be resolved without asking: a literal, or {"$env": NAME} with NAME set or a
// default given.
bool passwordResolvable(const athanor::Json& j) {
    auto it = j.find("password");
    if (it == j.end())
        return false;
    if (it->is_string())
        return !it->get<std::string>().empty();
    if (it->is_object()) {
        if (it->contains("default"))
            return true;
        if (auto env = it->find("$env"); env != it->end() && env->is_string())
            return qEnvironmentVariableIsSet(env->get<std::string>().c_str());
    }
    return false;
}

} // namespace

RunTargetWidget::RunTargetWidget(QWidget* parent)
    : QWidget(parent), m_caption(new QLabel(tr("Stack:"), this)), m_value(new QLabel(this)),
      m_choose(new QPushButton(tr("Choose…"), this)) {
    setObjectName(QStringLiteral("runTarget"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_caption->setObjectName(QStringLiteral("runTargetCaption"));
    layout->addWidget(m_caption);
    m_value->setObjectName(QStringLiteral("stackLabel"));
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_value->setMinimumWidth(120);
    m_value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_value, 1);
    m_choose->setObjectName(QStringLiteral("chooseRunTarget"));
    m_choose->setToolTip(tr("Run another stack file or Alchemy program (alchemy.run.ts, .mts, .js, .mjs)"));
    connect(m_choose, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Choose a stack file or an Alchemy program"), m_root,
            tr("Stack files and Alchemy programs (*.json *.ts *.mts *.js *.mjs);;Stack files (*.stack.json "
               "*.json);;Alchemy programs (*.ts *.mts *.js *.mjs);;All files (*)"));
        if (!file.isEmpty()) {
            m_chosen = true;
            setEntry(file);
        }
    });
    layout->addWidget(m_choose);
    refreshLabel();
}

RunTargetWidget::~RunTargetWidget() {
    ++m_runtimeGeneration; // a lookup still running reports to nobody
}

QString RunTargetWidget::settingsKey(const QString& root) {
    return QStringLiteral("deploy/target/") + QString::fromUtf8(root.toUtf8().toPercentEncoding());
}

void RunTargetWidget::setProjectRoot(const QString& root) {
    if (m_question)
        m_question->close(); // a question about another folder
    const bool keepChosen = m_chosen && root == m_root && !root.isEmpty() && !m_entry.isEmpty();
    m_root = root;
    m_runtime = m_root.isEmpty() ? QString() : QSettings().value(runtimeKey(m_root)).toString();
    if (!keepChosen)
        m_chosen = false;
    if (m_root.isEmpty()) {
        m_scan.discard();
        m_programInFolder.clear();
        apply(Kind::None, {});
        return;
    }
    // What the folder holds is looked up off the GUI thread; until then the dock cannot run (isLoading()).
    m_reader.discard();
    m_loading = true;
    if (!keepChosen) {
        m_kind = Kind::None;
        m_entry.clear();
        m_details = {};
    }
    refreshLabel();
    emit targetChanged();
    const QString stack = QDir(m_root).filePath(QString::fromUtf8(
        athanor::kDefaultStackFileName.data(), qsizetype(athanor::kDefaultStackFileName.size())));
    m_scan.start(
        [root, stack]() {
            FolderScan scan;
            try {
                if (auto found = athanor::findProgramEntry(root.toStdString()))
                    scan.program = QString::fromStdString(found->string());
            } catch (const std::exception&) {
                // an unreadable folder offers no program
            }
            scan.hasStack = QFileInfo::exists(stack);
            return scan;
        },
        [this, keepChosen, stack](const FolderScan& scan) {
            m_programInFolder = scan.program;
            if (keepChosen)
                apply(m_kind, m_entry);
            else
                chooseInFolder(scan.hasStack ? stack : QString());
        });
}

void RunTargetWidget::chooseInFolder(const QString& stack) {
    if (!stack.isEmpty() && !m_programInFolder.isEmpty()) {
        const QString answer = QSettings().value(settingsKey(m_root)).toString();
        if (answer == kProgramAnswer)
            apply(Kind::Program, m_programInFolder);
        else if (answer == kStackAnswer)
            apply(Kind::Stack, stack);
        else {
            apply(Kind::Stack, stack); // what athanorctl takes, until the user says otherwise
            askWhichOne(stack, m_programInFolder);
        }
    } else if (!stack.isEmpty()) {
        apply(Kind::Stack, stack);
    } else if (!m_programInFolder.isEmpty()) {
        apply(Kind::Program, m_programInFolder);
    } else {
        apply(Kind::None, {});
    }
}

void RunTargetWidget::setEntry(const QString& file) {
    m_scan.discard(); // the user's choice wins over what the folder scan would pick
    if (file.isEmpty())
        apply(Kind::None, {});
    else
        apply(athanor::isProgramFile(file.toStdString()) ? Kind::Program : Kind::Stack, file);
}

void RunTargetWidget::askWhichOne(const QString& stack, const QString& program) {
    const QString stackName = QFileInfo(stack).fileName();
    const QString programName = QFileInfo(program).fileName();
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Which one does the deploy dock run?"),
        tr("%1 holds both a stack file (%2, run by Athanor's built-in engine) and an Alchemy program (%3, "
           "run as "
           "`alchemy deploy` would). Which one should Up, Read and Destroy run? The answer is remembered for "
           "this project; Choose… picks another file at any time.")
            .arg(QDir::toNativeSeparators(m_root), stackName, programName),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("runTargetChoice"));
    QPushButton* programButton = box->addButton(tr("Program: %1").arg(programName), QMessageBox::AcceptRole);
    programButton->setObjectName(QStringLiteral("chooseProgram"));
    QPushButton* stackButton = box->addButton(tr("Stack: %1").arg(stackName), QMessageBox::RejectRole);
    stackButton->setObjectName(QStringLiteral("chooseStack"));
    box->setDefaultButton(programButton);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    const QString root = m_root;
    connect(box, &QMessageBox::buttonClicked, this,
            [this, root, stack, program, programButton](auto* button) {
                if (root != m_root)
                    return;
                const bool useProgram = button == programButton;
                QSettings().setValue(settingsKey(root), useProgram ? kProgramAnswer : kStackAnswer);
                apply(useProgram ? Kind::Program : Kind::Stack, useProgram ? program : stack);
            });
    m_question = box;
    box->open();
}

void RunTargetWidget::apply(Kind kind, const QString& entry) {
    m_kind = kind;
    m_entry = entry;
    m_details = {};
    m_loading = !entry.isEmpty();
    m_runtimeText.clear();
    m_runtimeProblem.clear();
    ++m_runtimeGeneration;
    refreshLabel();
    if (kind == Kind::Program)
        resolveRuntime();
    emit targetChanged();
    if (!m_loading) {
        m_reader.discard();
        runWhenLoaded();
        return;
    }
    m_reader.start([kind, entry]() { return readDetailsOf(kind, entry); },
                   [this](const Details& details) {
                       m_details = details;
                       m_loading = false;
                       refreshLabel();
                       emit targetChanged();
                       runWhenLoaded();
                   });
}

void RunTargetWidget::whenLoaded(std::function<void()> callback) {
    if (!m_loading) {
        callback();
        return;
    }
    m_whenLoaded.push_back(std::move(callback));
}

void RunTargetWidget::runWhenLoaded() {
    auto callbacks = std::exchange(m_whenLoaded, {});
    for (auto& callback : callbacks)
        callback();
}

void RunTargetWidget::setRuntimeOverride(const QString& runtime) {
    m_runtime = runtime;
    if (!m_root.isEmpty()) {
        if (runtime.isEmpty())
            QSettings().remove(runtimeKey(m_root));
        else
            QSettings().setValue(runtimeKey(m_root), runtime);
    }
    if (m_kind == Kind::Program) {
        m_runtimeText.clear();
        m_runtimeProblem.clear();
        ++m_runtimeGeneration;
        refreshLabel();
        resolveRuntime();
    }
}

void RunTargetWidget::resolveRuntime() {
    // Probing a runtime starts a process: never on the GUI thread.
    const quint64 generation = m_runtimeGeneration;
    const std::string entry = m_entry.toStdString();
    const std::string root =
        m_root.isEmpty() ? QFileInfo(m_entry).absolutePath().toStdString() : m_root.toStdString();
    const std::string runtime = m_runtime.toStdString();
    using Result = std::pair<QString, QString>; // what runs it, or why nothing can
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_runtimeGeneration)
            return;
        const Result result = watcher->result();
        m_runtimeText = result.first;
        m_runtimeProblem = result.second;
        refreshLabel();
        emit runtimeResolved();
    });
    watcher->setFuture(QtConcurrent::run([entry, root, runtime]() -> Result {
        try {
            const bool envFile = std::filesystem::is_regular_file(std::filesystem::path(root) / ".env");
            const athanor::RuntimeChoice choice = athanor::resolveRuntime(entry, root, runtime, envFile);
            return {QString::fromStdString(choice.runtime.describe()), {}};
        } catch (const std::exception& e) {
            return {{}, QString::fromStdString(e.what())};
        }
    }));
}

// Runs on the thread pool: a stack file can be megabytes of JSON, and the folder may be on a slow disk.
RunTargetWidget::Details RunTargetWidget::readDetailsOf(Kind kind, const QString& entry) {
    Details details;
    if (entry.isEmpty())
        return details;
    QFile file(entry);
    if (!file.open(QIODevice::ReadOnly)) {
        if (kind == Kind::Stack)
            details.problem = tr("cannot read %1: %2").arg(entry, file.errorString());
        return details;
    }
    const QByteArray bytes = file.readAll();
    if (kind == Kind::Program) {
        if (auto name = athanor::appNameInSource(bytes.toStdString()))
            details.app = QString::fromStdString(*name);
        // Alchemy seals secrets with ALCHEMY_PASSWORD: the dock asks for it before a first Up, unless the
        // program passes its own (alchemy(app, {password})).
        details.declaresSecrets = bytes.contains("secret(") || bytes.contains("RandomString");
        details.passwordKnown = bytes.contains("password:");
        return details;
    }
    try {
        const athanor::Json j =
            athanor::parseJsonText(std::string_view(bytes.constData(), std::size_t(bytes.size())));
        if (!j.is_object()) {
            details.problem = tr("the stack file is not a JSON object");
            return details;
        }
        if (auto it = j.find("app"); it != j.end() && it->is_string())
            details.app = QString::fromStdString(it->get<std::string>());
        details.passwordKnown = passwordResolvable(j);
        details.declaresSecrets = declaresSecrets(j);
    } catch (const std::exception& e) {
        details.problem = QString::fromStdString(e.what());
    }
    return details;
}

void RunTargetWidget::refreshLabel() {
    const QString danger = ThemeColors(palette()).danger().name();
    const QString rel = m_root.isEmpty() ? m_entry : QDir(m_root).relativeFilePath(m_entry);
    switch (m_kind) {
    case Kind::None:
        m_caption->setText(tr("Stack:"));
        if (m_loading) {
            m_value->setText(tr("<i>looking…</i>"));
            m_value->setToolTip(tr("Looking for alchemy.stack.json or alchemy.run.ts in %1")
                                    .arg(QDir::toNativeSeparators(m_root)));
            break;
        }
        m_value->setText(tr("<i>none</i>"));
        m_value->setToolTip(
            tr("No alchemy.stack.json and no alchemy.run.ts (.js, .mts, .mjs) in the project "
               "folder. Destroy works from state alone; Up, Read and Plan need a stack file or "
               "a program."));
        break;
    case Kind::Stack:
        m_caption->setText(tr("Stack:"));
        m_value->setText(
            m_details.problem.isEmpty()
                ? rel.toHtmlEscaped()
                : QStringLiteral("<span style='color:%1'>%2 ⚠</span>").arg(danger, rel.toHtmlEscaped()));
        m_value->setToolTip(
            m_details.problem.isEmpty()
                ? tr("%1\nRun by Athanor's built-in engine").arg(m_entry)
                : tr("%1\nThis stack file cannot be used: %2").arg(m_entry, m_details.problem));
        break;
    case Kind::Program: {
        m_caption->setText(tr("Program:"));
        QString runtime;
        if (!m_runtimeText.isEmpty())
            runtime = QStringLiteral(" (%1)").arg(m_runtimeText.toHtmlEscaped());
        else if (!m_runtimeProblem.isEmpty())
            runtime = QStringLiteral(" <span style='color:%1'>(%2 ⚠)</span>").arg(danger, tr("no runtime"));
        else
            runtime = QStringLiteral(" <i>(%1)</i>").arg(tr("looking for a runtime…"));
        m_value->setText(rel.toHtmlEscaped() + runtime);
        m_value->setToolTip(
            m_runtimeProblem.isEmpty()
                ? tr("%1\nThe project's own Alchemy program, run as `alchemy deploy / destroy / run` would%2")
                      .arg(m_entry, m_runtime.isEmpty() ? QString() : tr("\nRuntime: %1").arg(m_runtime))
                : tr("%1\n%2").arg(m_entry, m_runtimeProblem));
        break;
    }
    }
}

QString RunTargetWidget::label() const {
    return m_caption->text() + QLatin1Char(' ') +
           QTextDocumentFragment::fromHtml(m_value->text()).toPlainText();
}

} // namespace athanor::ui
