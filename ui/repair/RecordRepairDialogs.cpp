#include "repair/RecordRepairDialogs.h"

#include "repair/RecordAddress.h"
#include "repair/RecordEdit.h"
#include "repair/RecordRepairs.h"
#include "repair/RepairPlan.h"
#include "secrets/SecretVault.h"
#include "state/StateSession.h"
#include "store/IdCodec.h"
#include "widgets/JsonHighlighter.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace athanor::ui {

namespace {

// More records than this make a forget dangerous (as the tree menu and athanorctl count).
constexpr size_t kManyRecords = 5;

// Why `fqn` cannot name a record, empty when it can: app/stage/id, each part a valid id.
QString fqnProblem(const QString& fqn) {
    const std::vector<std::string> parts = athanor::splitFqn(fqn.toStdString());
    if (parts.size() < 3)
        return MoveRecordDialog::tr("An FQN names app/stage/…/id: at least three parts.");
    for (const auto& part : parts)
        if (const std::string problem = athanor::idProblem(part); !problem.empty())
            return MoveRecordDialog::tr("\"%1\": %2")
                .arg(QString::fromStdString(part), QString::fromStdString(problem));
    return {};
}

} // namespace

// ------------------------------------------------------------------------------------------------- Move

MoveRecordDialog::MoveRecordDialog(StateSession* session, RepairMenu* repairs, const QString& fqn,
                                   QWidget* parent)
    : PlannedRepairDialog(session, repairs, tr("Move"), parent), m_fqn(fqn) {
    setWindowTitle(tr("Move or rename %1").arg(fqn));
    setObjectName(QStringLiteral("MoveRecordDialog"));
    auto* intro =
        new QLabel(tr("A new id or another scope for the record and everything nested in it, so that a "
                      "resource renamed in code is neither deleted nor created again. The real "
                      "resource is not touched."));
    intro->setWordWrap(true);
    m_newFqn = new QLineEdit(fqn);
    m_newFqn->setObjectName(QStringLiteral("newFqn"));
    auto* form = new QFormLayout;
    form->addRow(tr("Record:"), new QLabel(fqn));
    form->addRow(tr("New FQN:"), m_newFqn);
    inputLayout()->addWidget(intro);
    inputLayout()->addLayout(form);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        const std::string from = m_fqn.toStdString(), to = m_newFqn->text().trimmed().toStdString();
        replan([from, to](athanor::RepairSource& source) { return athanor::planMove(source, from, to); });
    });
    connect(m_newFqn, &QLineEdit::textChanged, this, &MoveRecordDialog::onInput);
    m_newFqn->selectAll();
    onInput();
}

void MoveRecordDialog::onInput() {
    m_debounce.stop();
    const QString target = m_newFqn->text().trimmed();
    if (target == m_fqn) {
        refuse(tr("Type the new FQN."));
        return;
    }
    if (const QString problem = fqnProblem(target); !problem.isEmpty()) {
        refuse(problem);
        return;
    }
    m_debounce.start();
}

// ----------------------------------------------------------------------------------------------- Forget

ForgetRecordDialog::ForgetRecordDialog(StateSession* session, RepairMenu* repairs, const QString& fqn,
                                       bool isScope, QWidget* parent)
    : PlannedRepairDialog(session, repairs, tr("Forget"), parent), m_fqn(fqn), m_isScope(isScope) {
    setWindowTitle(tr("Forget %1").arg(fqn));
    setObjectName(QStringLiteral("ForgetRecordDialog"));
    auto* intro =
        new QLabel(tr("Removes the record from state. The real resource stays where it is: the next "
                      "deploy that declares it creates it again (or adopts it)."));
    intro->setWordWrap(true);
    m_nested = new QCheckBox(isScope ? tr("Include every record and child scope in it")
                                     : tr("Include nested resources"));
    m_nested->setObjectName(QStringLiteral("includeNested"));
    m_nested->setChecked(isScope);
    inputLayout()->addWidget(intro);
    inputLayout()->addWidget(m_nested);
    connect(m_nested, &QCheckBox::toggled, this, &ForgetRecordDialog::plan);
    plan();
}

void ForgetRecordDialog::plan() {
    const std::string fqn = m_fqn.toStdString();
    const bool recursive = m_nested->isChecked();
    replan([fqn, recursive](athanor::RepairSource& source) {
        return athanor::planRemove(source, {fqn}, recursive);
    });
}

QString ForgetRecordDialog::nameToType(const athanor::RepairPlan& plan) const {
    const auto stages = plan.stages();
    if (stages.size() != 1 || (!m_isScope && plan.removals() <= kManyRecords))
        return {};
    return QString::fromStdString(stages.front().second);
}

// ------------------------------------------------------------------------------------------------- Edit

EditRecordDialog::EditRecordDialog(StateSession* session, RepairMenu* repairs, SecretVault* vault,
                                   const QString& fqn, QWidget* parent)
    : PlannedRepairDialog(session, repairs, tr("Write"), parent), m_fqn(fqn), m_vault(vault) {
    setWindowTitle(tr("Edit %1").arg(fqn));
    setObjectName(QStringLiteral("EditRecordDialog"));
    m_mode = new QLabel(tr("Reading the record…"));
    m_mode->setWordWrap(true);
    m_editor = new QPlainTextEdit;
    m_editor->setObjectName(QStringLiteral("recordEditor"));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setEnabled(false);
    m_editor->setMinimumHeight(220);
    new JsonHighlighter(m_editor->document());
    m_check = new QPushButton(tr("Check"));
    m_check->setObjectName(QStringLiteral("checkEdit"));
    m_check->setToolTip(tr("Validate the record and show what will be written; nothing is written yet"));
    m_check->setEnabled(false);
    inputLayout()->addWidget(m_mode);
    inputLayout()->addWidget(m_editor, 2);
    inputLayout()->addWidget(m_check, 0, Qt::AlignRight);
    connect(m_check, &QPushButton::clicked, this, &EditRecordDialog::check);
    // An edit after Check makes the shown plan stale.
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (m_session)
            refuse(tr("Check the edit to see what will be written."));
    });
    // The editor is what the user works in: it gets most of the height, the preview the rest.
    if (auto* box = qobject_cast<QVBoxLayout*>(layout()))
        box->setStretchFactor(inputLayout(), 3);
    resize(760, 640);

    // beginEdit reads (and decrypts: scrypt) off the GUI thread.
    if (!session || !session->source()) {
        refuse(tr("No state is open."));
        return;
    }
    const std::shared_ptr<athanor::StateSource> stateSource = session->source();
    auto ring = std::make_shared<PasswordRing>(m_vault ? m_vault->clonePasswords() : PasswordRing());
    const std::string path = fqn.toStdString();
    struct Begun {
        std::shared_ptr<athanor::EditSession> session;
        QString note;
        QString error;
    };
    auto* watcher = new QFutureWatcher<Begun>(this);
    connect(watcher, &QFutureWatcher<Begun>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Begun begun = watcher->result();
        if (!begun.error.isEmpty()) {
            m_mode->setText(begun.error);
            refuse(begun.error);
            return;
        }
        m_session = begun.session;
        {
            const QSignalBlocker block(m_editor);
            m_editor->setPlainText(QString::fromStdString(m_session->text));
        }
        m_mode->setText(m_session->decrypted
                            ? tr("Secrets are shown decrypted and are encrypted again on write.")
                            : tr("Secrets stay encrypted (%1).").arg(begun.note));
        m_editor->setEnabled(true);
        m_check->setEnabled(true);
        emit loaded();
    });
    watcher->setFuture(QtConcurrent::run([stateSource, ring, path]() -> Begun {
        Begun out;
        try {
            athanor::RepairSource source(stateSource);
            try {
                out.session = std::make_shared<athanor::EditSession>(athanor::beginEdit(source, path, *ring));
            } catch (const athanor::RepairError&) {
                throw;
            } catch (const std::exception& e) {
                // The unlocked passwords do not open this record: edit it as stored.
                out.note = QString::fromStdString(e.what());
                out.session = std::make_shared<athanor::EditSession>(athanor::beginEdit(source, path, {}));
            }
            if (out.note.isEmpty() && !out.session->decrypted)
                out.note = ring->empty() ? tr("unlock secrets to edit them decrypted")
                                         : tr("no secret in this record");
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        ring->clear();
        return out;
    }));
}

EditRecordDialog::~EditRecordDialog() {
    m_editor->clear(); // the plain form may hold plaintexts
}

bool EditRecordDialog::isDecrypted() const {
    return m_session && m_session->decrypted;
}

void EditRecordDialog::check() {
    if (!m_session)
        return;
    auto edit = m_session;
    // Secrets are sealed again only in a decrypted edit; a sealed one keeps its ciphertext.
    auto ring = std::make_shared<PasswordRing>(m_vault && edit->decrypted ? m_vault->clonePasswords()
                                                                          : PasswordRing());
    const std::string text = m_editor->toPlainText().toStdString();
    replan([edit, ring, text](athanor::RepairSource& source) {
        athanor::RepairPlan plan = athanor::planEdit(source, *edit, text, *ring);
        ring->clear();
        return plan;
    });
}

} // namespace athanor::ui
