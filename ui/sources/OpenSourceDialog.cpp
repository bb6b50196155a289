#include "sources/OpenSourceDialog.h"

#include "sources/CredentialKeychain.h"
#include "sources/SourcePicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace athanor::ui {

OpenSourceDialog::OpenSourceDialog(const QStringList& recentSources, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open State Source"));
    setObjectName(QStringLiteral("openSourceDialog"));
    m_picker = new SourcePicker(SourcePicker::Purpose::Open);
    m_recent = new QListWidget;
    m_recent->setObjectName(QStringLiteral("recentSources"));
    for (const QString& text : recentSources) {
        QString label;
        if (text.startsWith(QStringLiteral("sqlite:")))
            label = tr("SQLite  %1").arg(QDir::toNativeSeparators(text.mid(7)));
        else if (text.startsWith(QStringLiteral("cloudflare:")))
            label = tr("Cloudflare  %1").arg(text.mid(11));
        else if (text.startsWith(QStringLiteral("s3://")))
            label = tr("S3  %1").arg(text);
        else
            label = tr("Folder  %1").arg(QDir::toNativeSeparators(text));
        auto* item = new QListWidgetItem(label);
        item->setData(Qt::UserRole, text);
        item->setToolTip(text);
        m_recent->addItem(item);
    }
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel);

    m_keychain = new QCheckBox(tr("Remember in the desktop keychain"));
    m_keychain->setObjectName(QStringLiteral("rememberInKeychain"));
    m_keychain->setToolTip(tr("Otherwise the token or keys stay in memory until Athanor quits"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_picker);
    layout->addWidget(m_keychain);
    auto* recentTitle = new QLabel(tr("Recent sources:"));
    layout->addSpacing(6);
    layout->addWidget(recentTitle);
    layout->addWidget(m_recent, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    recentTitle->setVisible(!recentSources.isEmpty());
    m_recent->setVisible(!recentSources.isEmpty());

    connect(m_picker, &SourcePicker::changed, this, &OpenSourceDialog::updateState);
    // A remote kind adds rows (apps, token or keys) and a longer hint: grow to show them whole.
    connect(m_picker->kindBox(), &QComboBox::currentIndexChanged, this, [this] {
        QMetaObject::invokeMethod(
            this, [this] { resize(width(), std::max(height(), this->layout()->heightForWidth(width()))); },
            Qt::QueuedConnection);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &OpenSourceDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &OpenSourceDialog::reject);
    const auto pickRecent = [this](QListWidgetItem* item) {
        if (!item)
            return;
        try {
            const SourceSpec spec = SourceSpec::parse(item->data(Qt::UserRole).toString().toStdString());
            m_picker->setSpec(spec);
            if (spec.kind == SourceSpec::Kind::Cloudflare)
                m_picker->setApps(rememberedApps(spec));
        } catch (const std::exception&) {
            // An entry this version cannot parse: leave the fields as they are.
        }
    };
    connect(m_recent, &QListWidget::currentItemChanged, this, pickRecent);
    connect(m_recent, &QListWidget::itemActivated, this, [this, pickRecent](QListWidgetItem* item) {
        pickRecent(item);
        accept();
    });
    resize(620, recentSources.isEmpty() ? 200 : 380);
    updateState();
}

void OpenSourceDialog::setSpec(const SourceSpec& spec) {
    m_picker->setSpec(spec);
    if (spec.kind == SourceSpec::Kind::Cloudflare)
        m_picker->setApps(rememberedApps(spec));
}

QStringList OpenSourceDialog::rememberedApps(const SourceSpec& spec) {
    return QSettings()
        .value(QStringLiteral("remoteApps/") + QString::fromStdString(spec.toString()).toUtf8().toBase64())
        .toStringList();
}

void OpenSourceDialog::rememberApps(const SourceSpec& spec, const QStringList& apps) {
    QSettings().setValue(
        QStringLiteral("remoteApps/") + QString::fromStdString(spec.toString()).toUtf8().toBase64(), apps);
}

bool OpenSourceDialog::rememberInKeychain() const {
    return !m_keychain->isHidden() && m_keychain->isEnabled() && m_keychain->isChecked();
}

void OpenSourceDialog::updateState() {
    // Only a remote source has a secret to keep, and only a desktop with a keychain can keep it.
    const std::optional<SourceSpec> spec = m_picker->spec();
    m_keychain->setVisible(spec && spec->isRemote());
    m_keychain->setEnabled(CredentialKeychain::available() && m_picker->accessSecret().has_value());
    const QString problem = m_picker->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty() && !m_picker->locationEdit()->text().trimmed().isEmpty());
    m_buttons->button(QDialogButtonBox::Open)->setEnabled(problem.isEmpty());
}

void OpenSourceDialog::accept() {
    m_chosen = m_picker->spec();
    if (!m_chosen) {
        updateState();
        return;
    }
    if (m_chosen->isRemote()) {
        // Kept in memory for the session (never in settings); the apps are remembered per source.
        if (std::optional<AccessSecret> secret = m_picker->accessSecret())
            rememberAccessSecret(*m_chosen, std::move(*secret));
        if (m_chosen->kind == SourceSpec::Kind::Cloudflare)
            rememberApps(*m_chosen, m_picker->apps());
    }
    QDialog::accept();
}

} // namespace athanor::ui
