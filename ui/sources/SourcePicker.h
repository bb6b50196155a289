#pragma once

#include "store/RemoteAccess.h"
#include "store/SourceSpec.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace athanor::ui {

// Names a state source: its kind (a project folder, a SQLite database, a Cloudflare state worker, an S3
// bucket) and where it is, with a Browse button that asks for the right thing (a folder, a database file).
// For a remote kind it also takes what opens it (the worker's token, an AWS key pair; empty: the
// environment's) and, for a Cloudflare worker, which apps to show (it cannot list them). Shared by Open State
// Source and Copy State To.
class SourcePicker : public QWidget {
    Q_OBJECT
public:
    enum class Purpose { Open, CopyTarget };
    explicit SourcePicker(Purpose purpose, QWidget* parent = nullptr);

    void setSpec(const SourceSpec& spec);
    // The source named, or nullopt with problem() saying why not (empty location, a missing file to open).
    std::optional<SourceSpec> spec() const;
    QString problem() const;
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* locationEdit() const { return m_location; }
    QLineEdit* appsEdit() const { return m_apps; }
    QLineEdit* keyIdEdit() const { return m_keyId; }
    QLineEdit* secretEdit() const { return m_secret; }

    // The apps typed for a Cloudflare worker (comma or space separated).
    QStringList apps() const;
    void setApps(const QStringList& apps);
    // The token or key pair typed in; nullopt when left empty (the environment's is used).
    std::optional<AccessSecret> accessSecret() const;

signals:
    void changed();

private:
    void browse();
    void updateHint();
    SourceSpec::Kind kind() const;
    SourceSpec remoteSpec() const; // throws std::invalid_argument for a location that is not one

    Purpose m_purpose;
    QComboBox* m_kind;
    QLineEdit* m_location;
    QPushButton* m_browse;
    QLabel* m_hint;
    QLabel* m_appsLabel;
    QLineEdit* m_apps;
    QLabel* m_keyIdLabel;
    QLineEdit* m_keyId;
    QLabel* m_secretLabel;
    QLineEdit* m_secret;
};

} // namespace athanor::ui
