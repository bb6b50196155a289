#include "sources/SourcePicker.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace athanor::ui {

SourcePicker::SourcePicker(Purpose purpose, QWidget* parent) : QWidget(parent), m_purpose(purpose) {
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("sourceKind"));
    m_kind->addItem(tr("Project folder (.alchemy record files)"), int(SourceSpec::Kind::Folder));
    m_kind->addItem(tr("SQLite database (Alchemy's SQLiteStateStore)"), int(SourceSpec::Kind::Sqlite));
    m_kind->addItem(tr("Cloudflare state worker (Alchemy's CloudflareStateStore)"),
                    int(SourceSpec::Kind::Cloudflare));
    m_kind->addItem(tr("S3 bucket (Alchemy's S3StateStore)"), int(SourceSpec::Kind::S3));
    m_location = new QLineEdit;
    m_location->setObjectName(QStringLiteral("sourceLocation"));
    m_location->setClearButtonEnabled(true);
    m_browse = new QPushButton(tr("Browse…"));
    m_hint = new QLabel;
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_appsLabel = new QLabel(tr("Apps:"));
    m_apps = new QLineEdit;
    m_apps->setObjectName(QStringLiteral("sourceApps"));
    m_apps->setPlaceholderText(tr("the app names of alchemy(\"…\") calls, e.g. shop, website"));
    m_keyIdLabel = new QLabel(tr("Access key ID:"));
    m_keyId = new QLineEdit;
    m_keyId->setObjectName(QStringLiteral("sourceKeyId"));
    m_secretLabel = new QLabel;
    m_secret = new QLineEdit;
    m_secret->setObjectName(QStringLiteral("sourceSecret"));
    m_secret->setEchoMode(QLineEdit::Password);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("Kind:")), 0, 0);
    grid->addWidget(m_kind, 0, 1, 1, 2);
    grid->addWidget(new QLabel(tr("Location:")), 1, 0);
    grid->addWidget(m_location, 1, 1);
    grid->addWidget(m_browse, 1, 2);
    grid->addWidget(m_hint, 2, 1, 1, 2);
    grid->addWidget(m_appsLabel, 3, 0);
    grid->addWidget(m_apps, 3, 1, 1, 2);
    grid->addWidget(m_keyIdLabel, 4, 0);
    grid->addWidget(m_keyId, 4, 1, 1, 2);
    grid->addWidget(m_secretLabel, 5, 0);
    grid->addWidget(m_secret, 5, 1, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        updateHint();
        emit changed();
    });
    connect(m_location, &QLineEdit::textChanged, this, &SourcePicker::changed);
    connect(m_apps, &QLineEdit::textChanged, this, &SourcePicker::changed);
    connect(m_keyId, &QLineEdit::textChanged, this, &SourcePicker::changed);
    connect(m_secret, &QLineEdit::textChanged, this, &SourcePicker::changed);
    connect(m_browse, &QPushButton::clicked, this, &SourcePicker::browse);
    updateHint();
}

SourceSpec::Kind SourcePicker::kind() const {
    return SourceSpec::Kind(m_kind->currentData().toInt());
}

void SourcePicker::setSpec(const SourceSpec& spec) {
    m_kind->setCurrentIndex(m_kind->findData(int(spec.kind)));
    if (spec.isRemote())
        m_location->setText(QString::fromStdString(spec.remote));
    else
        m_location->setText(QDir::toNativeSeparators(QString::fromStdString(spec.path.string())));
}

void SourcePicker::updateHint() {
    const bool cloudflare = kind() == SourceSpec::Kind::Cloudflare;
    const bool s3 = kind() == SourceSpec::Kind::S3;
    m_browse->setVisible(!cloudflare && !s3);
    m_appsLabel->setVisible(cloudflare && m_purpose == Purpose::Open);
    m_apps->setVisible(cloudflare && m_purpose == Purpose::Open);
    m_keyIdLabel->setVisible(s3);
    m_keyId->setVisible(s3);
    m_secretLabel->setVisible(cloudflare || s3);
    m_secret->setVisible(cloudflare || s3);
    m_secretLabel->setText(cloudflare ? tr("State token:") : tr("Secret access key:"));
    m_secret->setPlaceholderText(cloudflare
                                     ? tr("empty: ALCHEMY_STATE_TOKEN of the environment")
                                     : tr("empty: AWS_SECRET_ACCESS_KEY or AWS_PROFILE of the environment"));
    m_keyId->setPlaceholderText(tr("empty: AWS_ACCESS_KEY_ID or AWS_PROFILE of the environment"));
    if (cloudflare) {
        m_hint->setText(
            tr("The URL of the alchemy-state-service worker. It keeps every app of the account in "
               "one database and cannot list them: name the apps to show. The token stays in "
               "memory for this session only, unless you ask the desktop keychain to keep it."));
        m_location->setPlaceholderText(tr("https://alchemy-state-service.<subdomain>.workers.dev"));
        return;
    }
    if (s3) {
        m_hint->setText(
            tr("s3://BUCKET[/PREFIX] (default prefix alchemy/). Region and endpoint come from "
               "AWS_REGION and AWS_ENDPOINT_URL_S3 (MinIO, R2, Ceph), or ?region=REGION. Keys stay "
               "in memory for this session only, unless you ask the desktop keychain to keep them."));
        m_location->setPlaceholderText(tr("s3://team-state/alchemy/"));
        return;
    }
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

QStringList SourcePicker::apps() const {
    return m_apps->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
}

void SourcePicker::setApps(const QStringList& apps) {
    m_apps->setText(apps.join(QStringLiteral(", ")));
}

std::optional<AccessSecret> SourcePicker::accessSecret() const {
    if (m_secret->text().isEmpty())
        return std::nullopt;
    AccessSecret secret;
    QByteArray bytes = m_secret->text().toUtf8();
    secret.secret = SecureString(std::string_view(bytes.constData(), size_t(bytes.size())));
    bytes.fill('\0');
    secret.accessKeyId = m_keyId->text().trimmed().toStdString();
    secret.origin = kind() == SourceSpec::Kind::Cloudflare ? "the token typed in" : "the key typed in";
    return secret;
}

QString SourcePicker::problem() const {
    const QString location = m_location->text().trimmed();
    if (kind() == SourceSpec::Kind::Cloudflare || kind() == SourceSpec::Kind::S3) {
        const bool cloudflare = kind() == SourceSpec::Kind::Cloudflare;
        if (location.isEmpty())
            return cloudflare ? tr("Name the worker's URL.") : tr("Name the bucket (s3://BUCKET[/PREFIX]).");
        try {
            (void)remoteSpec();
        } catch (const std::invalid_argument& e) {
            return QString::fromUtf8(e.what());
        }
        if (cloudflare && m_purpose == Purpose::Open && apps().isEmpty())
            return tr("Name the apps to show: the worker cannot list them.");
        if (!cloudflare && m_keyId->text().trimmed().isEmpty() != m_secret->text().isEmpty())
            return tr(
                "Give both the access key ID and the secret access key, or neither (the environment's).");
        return {};
    }
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

SourceSpec SourcePicker::remoteSpec() const {
    const std::string location = m_location->text().trimmed().toStdString();
    if (kind() == SourceSpec::Kind::Cloudflare)
        return SourceSpec::cloudflare(location.starts_with("cloudflare:") ? location.substr(11) : location);
    return SourceSpec::s3(location.starts_with("s3://") ? location : "s3://" + location);
}

std::optional<SourceSpec> SourcePicker::spec() const {
    if (kind() == SourceSpec::Kind::Cloudflare || kind() == SourceSpec::Kind::S3)
        return problem().isEmpty() ? std::optional<SourceSpec>(remoteSpec()) : std::nullopt;
    if (!problem().isEmpty())
        return std::nullopt;
    const std::string location = QDir::fromNativeSeparators(m_location->text().trimmed()).toStdString();
    return kind() == SourceSpec::Kind::Folder ? SourceSpec::folder(location) : SourceSpec::sqlite(location);
}

} // namespace athanor::ui
