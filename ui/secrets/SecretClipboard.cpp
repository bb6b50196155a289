#include "secrets/SecretClipboard.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>

namespace athanor::ui {

SecretClipboard::SecretClipboard(QObject* parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDefaultClearAfterMs);
    connect(&m_timer, &QTimer::timeout, this, &SecretClipboard::clear);
    // Quitting without closing the window (Ctrl+Q from a menu, a session logout) clears it too.
    if (QCoreApplication* app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &SecretClipboard::clear);
}

SecretClipboard::~SecretClipboard() {
    clear();
}

QByteArray SecretClipboard::digest(const QString& text) {
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}

void SecretClipboard::copy(const QString& secret) {
    auto* data = new QMimeData;
    data->setText(secret);
    data->setData(QString::fromLatin1(kSensitiveMimeType), QByteArrayLiteral("secret"));
    QGuiApplication::clipboard()->setMimeData(data); // the clipboard owns it
    m_digest = digest(secret);
    m_timer.start();
}

bool SecretClipboard::holdsSecret() const {
    if (m_digest.isEmpty() || !QGuiApplication::instance())
        return false;
    const QMimeData* data = QGuiApplication::clipboard()->mimeData();
    return data && data->hasText() && digest(data->text()) == m_digest;
}

void SecretClipboard::clear() {
    m_timer.stop();
    if (m_digest.isEmpty())
        return;
    const bool ours = holdsSecret();
    m_digest.clear();
    if (ours) {
        QGuiApplication::clipboard()->clear();
        emit cleared();
    }
}

} // namespace athanor::ui
