#pragma once

#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"
#include "state/StateIndex.h"

#include "json/Json.h"
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace athanor::ui {

// The passwords and the plaintexts of the open project, held in wiped memory (SecureString) and never written
// anywhere. Decryption (one scrypt of ~40 ms per secret and password) runs on one worker thread, record by
// record, the record the user looks at first. Plaintexts are remembered by the encrypted tag itself, so a
// record rewritten with new ciphertext is decrypted again and a stale plaintext can never show.
class SecretVault : public QObject {
    Q_OBJECT
public:
    enum class State {
        Locked,        // no password yet
        Pending,       // waiting for (or in) decryption
        Open,          // plaintext known
        WrongPassword, // no password given so far opens it
        Malformed,     // can never decrypt (damaged tag)
    };

    explicit SecretVault(QObject* parent = nullptr);
    ~SecretVault() override;

    // The tree whose secrets are decrypted once a password is given.
    void setIndex(std::shared_ptr<const StateIndex> index);

    // Adds a password and decrypts every secret it may open. A password that opens nothing is dropped again.
    void addPassword(SecureString password);
    // Forgets every password and plaintext (memory is wiped) and stops decryption.
    void lock();
    bool hasPasswords() const { return !m_ring.empty(); }
    // Copies of the passwords for a run that must decrypt or seal secrets (the deploy console); the copies
    // wipe themselves when the caller drops them.
    PasswordRing clonePasswords() const { return m_ring.clone(); }
    bool isBusy() const { return m_running || !m_queue.isEmpty(); }

    // Decrypt this record's secrets next (SnapshotRecord::key()).
    void prioritize(const QString& recordKey);

    // `secretObject` is the object holding "@secret" (as findSecrets reports it).
    State state(const Json& secretObject) const;
    // The plaintext (JSON text for object secrets); empty unless Open. A copy for display: the caller
    // should not keep it longer than needed.
    QString plaintext(const Json& secretObject) const;
    QString problem(const Json& secretObject) const;

    int openCount() const { return static_cast<int>(m_plain.size()); }
    int lockedCount() const; // tried with every password and still closed
    int malformedCount() const { return static_cast<int>(m_malformed.size()); }

signals:
    // Some secret changed state (batched).
    void secretsChanged();
    // The queue drained after a password was added: how many secrets are open and how many stayed locked.
    void decryptionFinished(int open, int stillLocked, bool lastPasswordOpenedNothing);
    void lockedAll();
    void passwordsChanged();

private:
    struct Result;
    static std::string keyOf(const Json& secretObject);
    void queueRecords(bool onlyChanged);
    void startNext();
    void onResult(quint64 generation, const std::shared_ptr<Result>& result);
    void onJobDone(quint64 generation);
    void notifyLater();

    std::shared_ptr<const StateIndex> m_index;
    PasswordRing m_ring;
    std::vector<quint64> m_serials; // a serial per password in m_ring, increasing as passwords are added
    quint64 m_nextSerial = 1;
    std::unordered_map<std::string, SecureString> m_plain;
    std::unordered_map<std::string, quint64> m_triedUpTo; // highest password serial tried on a secret
    std::unordered_map<std::string, std::string> m_malformed;
    std::unordered_map<quint64, int> m_openedBySerial;
    QHash<QString, int> m_recordByPath; // by SnapshotRecord::key()
    QHash<QString, qint64> m_processed; // record key -> modification time (content fingerprint) decrypted
    QStringList m_queue;
    bool m_running = false;
    quint64 m_generation = 0;
    quint64 m_pendingSerial = 0; // the password whose results decryptionFinished reports
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QTimer m_notify;
    QThreadPool m_pool; // last: destroyed first, so a running job finishes before the members it posts to go
};

} // namespace athanor::ui
