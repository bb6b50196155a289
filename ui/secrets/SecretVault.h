#pragma once

#include "secrets/PasswordRing.h"
#include "secrets/SecretClipboard.h"
#include "secrets/SecureString.h"
#include "state/StateIndex.h"

#include "json/Json.h"
#include <QHash>
#include <QObject>
#include <QSet>
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
//
// What the user revealed is kept here too, so that every view follows one rule: a reveal is for one value of
// one record (the record's path under .alchemy and the value's JSON pointer), never for "that path in any
// record", and Lock forgets every reveal along with the plaintexts. A secret copied to the clipboard goes
// through the vault's SecretClipboard, so Lock takes it off the clipboard as well.
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
    // Forgets every password, plaintext and reveal (memory is wiped), stops decryption and takes a copied
    // secret off the clipboard.
    void lock();
    bool hasPasswords() const { return !m_ring.empty(); }
    // Secrets in the current tree (what a password can be checked against).
    int secretCount() const { return m_index ? m_index->secrets : 0; }
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

    // Reveal state: `record` is the record's path relative to .alchemy, `pointer` the secret's JSON pointer.
    bool isRevealed(const QString& record, const std::string& pointer) const;
    void setRevealed(const QString& record, const std::string& pointer, bool revealed);
    // "Reveal All" of one record: every secret of it, including ones not yet shown. Off forgets the record's
    // single reveals too.
    bool revealsAll(const QString& record) const;
    void setRevealAll(const QString& record, bool revealed);
    // Forgets every reveal (Lock does this too); the plaintexts stay.
    void hideAll();

    // Copies an open secret's plaintext to the clipboard, marked sensitive and cleared after a while.
    void copyToClipboard(const QString& plaintext) { m_clipboard.copy(plaintext); }
    SecretClipboard* clipboard() { return &m_clipboard; }

    int openCount() const { return static_cast<int>(m_plain.size()); }
    int lockedCount() const; // tried with every password and still closed
    int malformedCount() const { return static_cast<int>(m_malformed.size()); }

signals:
    // Some secret changed state (batched).
    void secretsChanged();
    // The queue drained after a password was added: how many secrets are open and how many stayed locked.
    void decryptionFinished(int open, int stillLocked, bool lastPasswordOpenedNothing);
    // The password added last either opened its first secret (true; decryption goes on) or, tried on every
    // secret, opened none (false; it was dropped). Once per password, as soon as it is known.
    void passwordChecked(bool opensSomething);
    void lockedAll();
    void passwordsChanged();
    // What is revealed changed (a value, a record's Reveal All, or everything at Lock).
    void revealsChanged();

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
    struct Reveals {
        bool all = false;     // Reveal All: every value shown but those in `hidden`
        QSet<QString> shown;  // pointers shown one by one
        QSet<QString> hidden; // pointers hidden again after Reveal All
    };
    QHash<QString, Reveals> m_reveals;  // by record (SnapshotRecord::key())
    QHash<QString, int> m_recordByPath; // by SnapshotRecord::key()
    QHash<QString, qint64> m_processed; // record key -> modification time (content fingerprint) decrypted
    QStringList m_queue;
    bool m_running = false;
    quint64 m_generation = 0;
    quint64 m_pendingSerial = 0;   // the password whose results decryptionFinished reports
    bool m_pendingChecked = false; // passwordChecked was emitted for m_pendingSerial
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QTimer m_notify;
    SecretClipboard m_clipboard;
    QThreadPool m_pool; // last: destroyed first, so a running job finishes before the members it posts to go
};

} // namespace athanor::ui
