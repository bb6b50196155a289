#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

namespace athanor::ui {

// Puts a secret on the system clipboard the way password managers do: marked as sensitive for clipboard
// managers (KDE's "x-kde-passwordManagerHint: secret", honoured by Klipper and others, so it stays out of
// their history), and taken off again after a timeout, at Lock and at quit, but only while the clipboard
// still holds what we put there (something the user copied since is left alone). Only a SHA-256 of the
// text is kept to recognise it.
class SecretClipboard : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultClearAfterMs = 30000;
    static constexpr const char* kSensitiveMimeType = "x-kde-passwordManagerHint";

    explicit SecretClipboard(QObject* parent = nullptr);
    ~SecretClipboard() override;

    void copy(const QString& secret);
    // Clears the clipboard if it still holds the secret copied last; forgets it either way.
    void clear();
    bool holdsSecret() const; // the clipboard still holds the secret copied last
    int clearAfterMs() const { return m_timer.interval(); }
    void setClearAfterMs(int ms) { m_timer.setInterval(ms); }

signals:
    // The secret was taken off the clipboard (timeout, Lock or quit).
    void cleared();

private:
    static QByteArray digest(const QString& text);

    QByteArray m_digest; // of the secret on the clipboard; empty when none of ours is there
    QTimer m_timer;
};

} // namespace athanor::ui
