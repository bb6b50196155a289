#pragma once

#include "store/SourceSpec.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QListWidget;

namespace athanor::ui {

class SourcePicker;

// File › Open State Source…: a kind (project folder, SQLite database, Cloudflare state worker, S3 bucket),
// its location, what opens a remote one (kept in memory for the session: rememberAccessSecret) and the apps
// of a Cloudflare worker (remembered per source), and the sources opened recently (any kind) to pick again.
class OpenSourceDialog : public QDialog {
    Q_OBJECT
public:
    explicit OpenSourceDialog(const QStringList& recentSources, QWidget* parent = nullptr);

    void setSpec(const SourceSpec& spec);
    // The source to open once accepted.
    std::optional<SourceSpec> chosen() const { return m_chosen; }
    SourcePicker* picker() const { return m_picker; }
    QListWidget* recentList() const { return m_recent; }
    QDialogButtonBox* buttons() const { return m_buttons; }

    void accept() override;
    // "Remember in the desktop keychain" was ticked (off by default): the caller saves the secret there.
    bool rememberInKeychain() const;
    QCheckBox* keychainOption() const { return m_keychain; }

    // The apps to show of a Cloudflare worker, remembered per source (QSettings; names only).
    static QStringList rememberedApps(const SourceSpec& spec);
    static void rememberApps(const SourceSpec& spec, const QStringList& apps);

private:
    void updateState();

    SourcePicker* m_picker;
    QListWidget* m_recent;
    QLabel* m_problem;
    QCheckBox* m_keychain;
    QDialogButtonBox* m_buttons;
    std::optional<SourceSpec> m_chosen;
};

} // namespace athanor::ui
