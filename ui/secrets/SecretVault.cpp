#include "secrets/SecretVault.h"

#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "store/StateSource.h"

#include "json/JsonParse.h"
#include <algorithm>

namespace athanor::ui {

struct SecretVault::Result {
    std::string key;
    std::optional<SecureString> plaintext;
    quint64 openedBySerial = 0;
    quint64 triedUpTo = 0;
    std::string malformed;
};

namespace {
constexpr int kNotifyMs = 40; // coalesces dataChanged storms while many secrets open in a row
}

SecretVault::SecretVault(QObject* parent)
    : QObject(parent), m_cancel(std::make_shared<std::atomic<bool>>(false)) {
    m_pool.setMaxThreadCount(1);
    m_notify.setSingleShot(true);
    m_notify.setInterval(kNotifyMs);
    connect(&m_notify, &QTimer::timeout, this, &SecretVault::secretsChanged);
}

SecretVault::~SecretVault() {
    m_cancel->store(true);
    ++m_generation;
    m_pool.waitForDone();
}

std::string SecretVault::keyOf(const Json& secretObject) {
    const auto it = secretObject.find("@secret");
    return it == secretObject.end() ? std::string() : it->dump();
}

void SecretVault::setIndex(std::shared_ptr<const StateIndex> index) {
    const auto sourceOf = [](const StateIndex& i) {
        return i.snapshot->source ? i.snapshot->source->spec()
                                  : SourceSpec::folder(i.snapshot->layout.projectRoot);
    };
    const bool sameProject = m_index && index && sourceOf(*m_index) == sourceOf(*index);
    m_index = std::move(index);
    m_recordByPath.clear();
    // Only records that hold secrets are ever queued (queueRecords()): a key per record of a 100,000-record
    // tree cost 14 MB and a pass on the GUI thread.
    if (m_index)
        for (size_t i = 0; i < m_index->snapshot->records.size(); ++i)
            if (const SnapshotRecord& r = m_index->snapshot->records[i]; r.secretCount > 0 && r.ok())
                m_recordByPath.insert(QString::fromStdString(r.key()), static_cast<int>(i));
    if (!sameProject) {
        // Another project: its passwords, plaintexts and reveals must not carry over.
        if (hasPasswords() || !m_plain.empty())
            lock();
        hideAll();
        m_processed.clear();
        return;
    }
    if (hasPasswords())
        queueRecords(true);
}

void SecretVault::addPassword(SecureString password) {
    if (password.empty())
        return;
    const size_t before = m_ring.size();
    m_ring.add(std::move(password));
    if (m_ring.size() == before) {
        // Already known: nothing new to try (a kept password opened something).
        emit passwordChecked(true);
        emit decryptionFinished(openCount(), lockedCount(), false);
        return;
    }
    m_pendingSerial = m_nextSerial++;
    m_pendingChecked = false;
    m_serials.push_back(m_pendingSerial);
    emit passwordsChanged();
    queueRecords(false);
    notifyLater();
}

void SecretVault::lock() {
    m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    ++m_generation;
    m_ring.clear();
    m_serials.clear();
    m_plain.clear(); // SecureString wipes each plaintext
    m_triedUpTo.clear();
    m_malformed.clear();
    m_openedBySerial.clear();
    m_processed.clear();
    m_queue.clear();
    m_running = false;
    m_pendingSerial = 0;
    m_pendingChecked = false;
    m_reveals.clear();
    m_clipboard.clear();
    emit passwordsChanged();
    emit lockedAll();
    emit revealsChanged();
    emit secretsChanged();
}

bool SecretVault::isRevealed(const QString& record, const std::string& pointer) const {
    const auto it = m_reveals.constFind(record);
    if (it == m_reveals.constEnd())
        return false;
    const QString p = QString::fromStdString(pointer);
    return it->all ? !it->hidden.contains(p) : it->shown.contains(p);
}

bool SecretVault::revealsAll(const QString& record) const {
    const auto it = m_reveals.constFind(record);
    return it != m_reveals.constEnd() && it->all;
}

void SecretVault::setRevealed(const QString& record, const std::string& pointer, bool revealed) {
    if (revealed == isRevealed(record, pointer))
        return;
    Reveals& r = m_reveals[record];
    const QString p = QString::fromStdString(pointer);
    if (r.all) {
        if (revealed)
            r.hidden.remove(p);
        else
            r.hidden.insert(p);
    } else if (revealed) {
        r.shown.insert(p);
    } else {
        r.shown.remove(p);
    }
    emit revealsChanged();
}

void SecretVault::setRevealAll(const QString& record, bool revealed) {
    if (!revealed && !m_reveals.contains(record))
        return;
    if (revealed)
        m_reveals.insert(record, Reveals{true, {}, {}});
    else
        m_reveals.remove(record); // off hides the record's single reveals too
    emit revealsChanged();
}

void SecretVault::hideAll() {
    if (m_reveals.isEmpty())
        return;
    m_reveals.clear();
    emit revealsChanged();
}

void SecretVault::prioritize(const QString& recordKey) {
    const qsizetype at = m_queue.indexOf(recordKey);
    if (at > 0)
        m_queue.move(at, 0);
}

void SecretVault::queueRecords(bool onlyChanged) {
    if (!m_index)
        return;
    for (const SnapshotRecord& r : m_index->snapshot->records) {
        if (r.secretCount == 0 || !r.ok())
            continue;
        const QString path = QString::fromStdString(r.key());
        if (onlyChanged && m_processed.value(path, -1) == r.modifiedNs)
            continue;
        if (!m_queue.contains(path))
            m_queue << path;
    }
    startNext();
}

void SecretVault::startNext() {
    if (m_running || !m_index)
        return;
    if (m_queue.isEmpty()) {
        if (m_pendingSerial != 0) {
            const quint64 serial = m_pendingSerial;
            m_pendingSerial = 0;
            const auto opened = m_openedBySerial.find(serial);
            const bool openedNothing = opened == m_openedBySerial.end() || opened->second == 0;
            if (openedNothing) {
                // A password that opens nothing is of no use: forget it now rather than keep it in memory.
                PasswordRing kept;
                std::vector<quint64> keptSerials;
                for (size_t i = 0; i < m_ring.size(); ++i)
                    if (m_serials[i] != serial) {
                        kept.add(m_ring.at(i).clone());
                        keptSerials.push_back(m_serials[i]);
                    }
                m_ring = std::move(kept);
                m_serials = std::move(keptSerials);
                emit passwordsChanged();
            }
            if (!m_pendingChecked)
                emit passwordChecked(!openedNothing);
            m_pendingChecked = false;
            emit decryptionFinished(openCount(), lockedCount(), openedNothing);
        }
        return;
    }
    const QString path = m_queue.takeFirst();
    const int recordIndex = m_recordByPath.value(path, -1);
    const SnapshotRecord* record =
        recordIndex >= 0 ? &m_index->snapshot->records[static_cast<size_t>(recordIndex)] : nullptr;
    if (!record) {
        startNext();
        return;
    }
    m_processed.insert(path, record->modifiedNs);
    m_running = true;

    // The job gets its own copies: the passwords (wiped when the job ends) and what was tried already.
    auto ring = std::make_shared<PasswordRing>(m_ring.clone());
    auto serials = std::make_shared<std::vector<quint64>>(m_serials);
    auto tried = std::make_shared<std::unordered_map<std::string, quint64>>(m_triedUpTo);
    auto known = std::make_shared<std::vector<std::string>>();
    for (const auto& [key, value] : m_plain)
        known->push_back(key);
    std::sort(known->begin(), known->end());
    const std::shared_ptr<StateSource> source = m_index->snapshot->source;
    const std::vector<std::string> chain = record->chain;
    const std::string id = record->id;
    const quint64 generation = m_generation;
    const auto cancel = m_cancel;
    m_pool.start([this, ring, serials, tried, known, source, chain, id, generation, cancel] {
        Json doc;
        try {
            const auto text = source ? source->readRecordText(chain, id) : std::nullopt;
            if (text)
                doc = parseJsonText(*text);
        } catch (const std::exception&) {
            doc = Json();
        }
        std::vector<SecretSite> sites;
        try {
            sites = findSecrets(doc);
        } catch (const std::exception&) {
            sites.clear();
        }
        for (const SecretSite& site : sites) {
            if (cancel->load())
                break;
            const Json& object = doc.at(Json::json_pointer(site.pointer));
            auto result = std::make_shared<Result>();
            result->key = keyOf(object);
            if (std::binary_search(known->begin(), known->end(), result->key))
                continue;
            const quint64 already = tried->count(result->key) ? tried->at(result->key) : 0;
            PasswordRing untried;
            std::vector<quint64> untriedSerials;
            for (size_t i = 0; i < ring->size(); ++i)
                if ((*serials)[i] > already) {
                    untried.add(ring->at(i).clone());
                    untriedSerials.push_back((*serials)[i]);
                }
            if (untried.empty())
                continue;
            result->triedUpTo = untriedSerials.back();
            try {
                DecryptedSecret opened = decryptSecretTag(object.at("@secret"), untried);
                result->openedBySerial = untriedSerials.at(opened.passwordIndex);
                result->plaintext.emplace(std::move(opened.plaintext));
            } catch (const SecretError& e) {
                if (e.reason == SecretError::Reason::Malformed)
                    result->malformed = e.what();
            }
            QMetaObject::invokeMethod(
                this, [this, generation, result] { onResult(generation, result); }, Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            this, [this, generation] { onJobDone(generation); }, Qt::QueuedConnection);
    });
}

void SecretVault::onResult(quint64 generation, const std::shared_ptr<Result>& result) {
    if (generation != m_generation)
        return; // locked meanwhile: the plaintext dies (and is wiped) with `result`
    if (result->plaintext) {
        m_plain.insert_or_assign(result->key, std::move(*result->plaintext));
        result->plaintext.reset();
        m_triedUpTo.erase(result->key);
        ++m_openedBySerial[result->openedBySerial];
        if (result->openedBySerial == m_pendingSerial && !m_pendingChecked) {
            m_pendingChecked = true;
            emit passwordChecked(true);
        }
    } else if (!result->malformed.empty()) {
        m_malformed.insert_or_assign(result->key, result->malformed);
    } else {
        m_triedUpTo[result->key] = std::max(m_triedUpTo[result->key], result->triedUpTo);
    }
    notifyLater();
}

void SecretVault::onJobDone(quint64 generation) {
    if (generation != m_generation)
        return;
    m_running = false;
    notifyLater();
    startNext();
}

void SecretVault::notifyLater() {
    if (!m_notify.isActive())
        m_notify.start();
}

int SecretVault::lockedCount() const {
    const quint64 newest = m_serials.empty() ? 0 : m_serials.back();
    return static_cast<int>(std::count_if(m_triedUpTo.begin(), m_triedUpTo.end(),
                                          [&](const auto& entry) { return entry.second >= newest; }));
}

SecretVault::State SecretVault::state(const Json& secretObject) const {
    const std::string key = keyOf(secretObject);
    if (m_plain.count(key))
        return State::Open;
    if (m_malformed.count(key))
        return State::Malformed;
    if (m_ring.empty())
        return State::Locked;
    const auto it = m_triedUpTo.find(key);
    if (it != m_triedUpTo.end() && !m_serials.empty() && it->second >= m_serials.back())
        return State::WrongPassword;
    return State::Pending;
}

QString SecretVault::plaintext(const Json& secretObject) const {
    const auto it = m_plain.find(keyOf(secretObject));
    if (it == m_plain.end())
        return {};
    const std::string_view v = it->second.view();
    return QString::fromUtf8(v.data(), static_cast<qsizetype>(v.size()));
}

QString SecretVault::problem(const Json& secretObject) const {
    const auto it = m_malformed.find(keyOf(secretObject));
    return it == m_malformed.end() ? QString() : QString::fromStdString(it->second);
}

} // namespace athanor::ui
