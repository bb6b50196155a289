#include "sources/CopyStateDialog.h"

#include "sources/SourcePicker.h"
#include "sources/StateCopyJob.h"
#include "widgets/Plural.h"
#include "widgets/ThemeColors.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace athanor::ui {

namespace {
QString shown(const SourceSpec& spec) {
    const QString path = QDir::toNativeSeparators(QString::fromStdString(spec.path.string()));
    return spec.kind == SourceSpec::Kind::Sqlite ? QObject::tr("the SQLite database %1").arg(path)
                                                 : QObject::tr("the project folder %1").arg(path);
}
} // namespace

CopyStateDialog::CopyStateDialog(const SourceSpec& from, QWidget* parent) : QDialog(parent), m_from(from) {
    setWindowTitle(tr("Copy State To"));
    setObjectName(QStringLiteral("copyStateDialog"));
    auto* heading = new QLabel(tr("Copy every record of <b>%1</b> into:").arg(shown(from).toHtmlEscaped()));
    heading->setWordWrap(true);
    m_picker = new SourcePicker(SourcePicker::Purpose::CopyTarget);
    // The other kind is the usual target: a folder goes into a database, a database into a folder.
    SourceSpec suggestion = from.kind == SourceSpec::Kind::Folder
                                ? SourceSpec::sqlite(from.path / ".alchemy" / "state.sqlite")
                                : SourceSpec::folder(from.projectFolder() / "alchemy-state-copy");
    m_picker->setSpec(suggestion);
    m_overwrite = new QCheckBox(tr("Replace records the target already has"));
    m_overwrite->setToolTip(tr("Without this, a target that holds any record is left alone. Records only the "
                               "target has are never deleted."));
    auto* note =
        new QLabel(tr("Secrets are copied as they are stored (still encrypted); nothing is decrypted. "
                      "Each copied record is read back from the target and compared."));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("copyProgress"));
    m_progress->setVisible(false);
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("copyResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details = new QPlainTextEdit;
    m_details->setReadOnly(true);
    m_details->setVisible(false);
    m_details->setMaximumBlockCount(10000);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_copy = m_buttons->addButton(tr("Copy"), QDialogButtonBox::AcceptRole);
    m_copy->setDefault(true);
    m_openCopy = m_buttons->addButton(tr("Open Copy"), QDialogButtonBox::ActionRole);
    m_openCopy->setVisible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addSpacing(4);
    layout->addWidget(m_picker);
    layout->addWidget(m_overwrite);
    layout->addWidget(note);
    layout->addWidget(m_progress);
    layout->addWidget(m_result);
    layout->addWidget(m_details, 1);
    layout->addStretch();
    layout->addWidget(m_buttons);

    m_job = new StateCopyJob(this);
    connect(m_job, &StateCopyJob::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setMaximum(static_cast<int>(std::max<qint64>(total, 1)));
        m_progress->setValue(static_cast<int>(done));
        m_progress->setFormat(done * 2 <= total ? tr("Copying… %p%") : tr("Reading back and comparing… %p%"));
    });
    connect(m_job, &StateCopyJob::finished, this, &CopyStateDialog::onFinished);
    connect(m_copy, &QPushButton::clicked, this, &CopyStateDialog::startCopy);
    connect(m_openCopy, &QPushButton::clicked, this, [this] {
        if (m_target) {
            emit openRequested(*m_target);
            accept();
        }
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CopyStateDialog::reject);
    connect(m_picker, &SourcePicker::changed, this, &CopyStateDialog::updateState);
    resize(640, 300);
    updateState();
}

CopyStateDialog::~CopyStateDialog() = default;

bool CopyStateDialog::isCopying() const {
    return m_job->isRunning();
}

void CopyStateDialog::updateState() {
    const bool running = m_job->isRunning();
    const QString problem = m_picker->problem();
    m_copy->setEnabled(!running && problem.isEmpty());
    m_copy->setToolTip(problem);
    m_picker->setEnabled(!running);
    m_overwrite->setEnabled(!running);
    m_buttons->button(QDialogButtonBox::Close)->setText(running ? tr("Cancel Copy") : tr("Close"));
}

void CopyStateDialog::startCopy() {
    m_target = m_picker->spec();
    if (!m_target)
        return;
    m_result->clear();
    m_details->clear();
    m_details->setVisible(false);
    m_openCopy->setVisible(false);
    m_progress->setRange(0, 0); // busy until the source's size is known
    m_progress->setFormat(tr("Reading %1…").arg(shown(m_from)));
    m_progress->setVisible(true);
    m_job->start(m_from, *m_target, m_overwrite->isChecked());
    updateState();
}

void CopyStateDialog::reject() {
    if (m_job->isRunning()) {
        m_job->cancel(); // finished() follows; the dialog stays to say what was copied
        m_progress->setFormat(tr("Stopping after the current record…"));
        return;
    }
    QDialog::reject();
}

void CopyStateDialog::onFinished(std::shared_ptr<const MigrationReport> report, const QString& error) {
    m_progress->setVisible(false);
    const ThemeColors colors(palette());
    const auto say = [this](const QString& text, const QColor& color) {
        m_result->setText(text);
        m_result->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(color.name()));
    };
    bool succeeded = false;
    if (!report) {
        say(tr("Nothing was copied: %1").arg(error), colors.danger());
    } else if (report->refused) {
        say(tr("Nothing was copied: %1 already holds %2. Tick “Replace records the target already has” to "
               "copy "
               "into it anyway.")
                .arg(QString::fromStdString(report->targetDescription),
                     plural(static_cast<qint64>(report->targetRecordsBefore), tr("1 record"),
                            tr("%1 records"))),
            colors.danger());
    } else {
        QStringList lines;
        for (const auto& p : report->problems)
            lines << QString::fromStdString(p);
        for (const auto& w : report->warnings)
            lines << tr("warning: %1").arg(QString::fromStdString(w));
        m_details->setPlainText(lines.join(QLatin1Char('\n')));
        m_details->setVisible(!lines.isEmpty());
        const QString counts =
            tr("%1 copied into %2, %3 read back identical")
                .arg(plural(static_cast<qint64>(report->copied), tr("1 record"), tr("%1 records")),
                     QString::fromStdString(report->targetDescription))
                .arg(report->verified);
        succeeded = report->succeeded();
        if (report->cancelled)
            say(tr("Cancelled: %1. The target keeps what was copied.").arg(counts), colors.warning());
        else if (succeeded)
            say(tr("Done: %1.").arg(counts), colors.success());
        else
            say(tr("%1; %2 failed (listed below). Nothing in the source was changed.")
                    .arg(counts,
                         plural(static_cast<qint64>(report->failed), tr("1 record"), tr("%1 records"))),
                colors.danger());
        m_openCopy->setVisible(report->copied > 0);
    }
    updateState();
    emit copyFinished(succeeded);
}

} // namespace athanor::ui
