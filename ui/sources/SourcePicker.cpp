#include "sources/SourcePicker.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace athanor::ui {

SourcePicker::SourcePicker(Purpose purpose, QWidget* parent) : QWidget(parent), m_purpose(purpose) {
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("sourceKind"));
    m_kind->addItem(tr("Project folder (.alchemy record files)"), int(SourceSpec::Kind::Folder));
    m_kind->addItem(tr("SQLite database (Alchemy's SQLiteStateStore)"), int(SourceSpec::Kind::Sqlite));
    m_location = new QLineEdit;
    m_location->setObjectName(QStringLiteral("sourceLocation"));
    m_location->setClearButtonEnabled(true);
    m_browse = new QPushButton(tr("Browse…"));
    m_hint = new QLabel;
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("Kind:")), 0, 0);
    grid->addWidget(m_kind, 0, 1, 1, 2);
    grid->addWidget(new QLabel(tr("Location:")), 1, 0);
    grid->addWidget(m_location, 1, 1);
    grid->addWidget(m_browse, 1, 2);
    grid->addWidget(m_hint, 2, 1, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        updateHint();
        emit changed();
    });
    connect(m_location, &QLineEdit::textChanged, this, &SourcePicker::changed);
    connect(m_browse, &QPushButton::clicked, this, &SourcePicker::browse);
    updateHint();
}

SourceSpec::Kind SourcePicker::kind() const {
    return SourceSpec::Kind(m_kind->currentData().toInt());
}

void SourcePicker::setSpec(const SourceSpec& spec) {
    m_kind->setCurrentIndex(m_kind->findData(int(spec.kind)));
    m_location->setText(QDir::toNativeSeparators(QString::fromStdString(spec.path.string())));
}

void SourcePicker::updateHint() {
    if (kind() == SourceSpec::Kind::Folder)
        m_hint->setText(tr("The folder that holds .alchemy (or the .alchemy folder itself)."));
    else if (m_purpose == Purpose::Open)
        m_hint->setText(tr("Alchemy keeps it in .alchemy/state.sqlite, or where ALCHEMY_STATE_FILE points."));
    else
        m_hint->setText(tr("A new database is created as Alchemy's migrations would create it."));
    m_location->setPlaceholderText(kind() == SourceSpec::Kind::Folder
                                       ? tr("/path/to/project")
                                       : tr("/path/to/project/.alchemy/state.sqlite"));
}

void SourcePicker::browse() {
    const QString current = m_location->text().trimmed();
    QString chosen;
    if (kind() == SourceSpec::Kind::Folder) {
        chosen = QFileDialog::getExistingDirectory(this, tr("Choose a Project or .alchemy Folder"),
                                                   current.isEmpty() ? QDir::homePath() : current);
    } else if (m_purpose == Purpose::Open) {
        chosen = QFileDialog::getOpenFileName(
            this, tr("Choose Alchemy's SQLite Database"), current.isEmpty() ? QDir::homePath() : current,
            tr("SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)"));
    } else {
        chosen = QFileDialog::getSaveFileName(
            this, tr("Copy State Into a SQLite Database"),
            current.isEmpty() ? QDir::home().filePath(QStringLiteral("state.sqlite")) : current,
            tr("SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)"), nullptr,
            QFileDialog::DontConfirmOverwrite);
    }
    if (!chosen.isEmpty())
        m_location->setText(QDir::toNativeSeparators(chosen));
}

QString SourcePicker::problem() const {
    const QString location = m_location->text().trimmed();
    if (location.isEmpty())
        return kind() == SourceSpec::Kind::Folder ? tr("Name a folder.") : tr("Name a database file.");
    const QFileInfo info(QDir::fromNativeSeparators(location));
    if (kind() == SourceSpec::Kind::Folder) {
        if (info.exists() && !info.isDir())
            return tr("%1 is not a folder.").arg(location);
        if (m_purpose == Purpose::Open && !info.exists())
            return tr("%1 does not exist.").arg(location);
    } else {
        if (info.isDir())
            return tr("%1 is a folder; name the database file in it.").arg(location);
        if (m_purpose == Purpose::Open && !info.exists())
            return tr("%1 does not exist.").arg(location);
    }
    return {};
}

std::optional<SourceSpec> SourcePicker::spec() const {
    if (!problem().isEmpty())
        return std::nullopt;
    const std::string location = QDir::fromNativeSeparators(m_location->text().trimmed()).toStdString();
    return kind() == SourceSpec::Kind::Folder ? SourceSpec::folder(location) : SourceSpec::sqlite(location);
}

} // namespace athanor::ui
