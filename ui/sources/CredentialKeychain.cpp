#include "sources/CredentialKeychain.h"

#include <QPointer>
#include <qt6keychain/keychain.h>
#include <sodium.h>

namespace athanor::ui::CredentialKeychain {

namespace {

const QString kService = QStringLiteral("Athanor state sources");

QString keyOf(const SourceSpec& spec) {
    return QString::fromStdString(spec.toString());
}

QString sourceName(const SourceSpec& spec) {
    return QString::fromStdString(spec.toString());
}

// accessKeyId, secret and session token, one a line (none holds a newline), wiped once handed over.
QByteArray encode(const AccessSecret& secret) {
    QByteArray bytes = QByteArray::fromStdString(secret.accessKeyId);
    bytes += '\n';
    bytes.append(secret.secret.view().data(), qsizetype(secret.secret.view().size()));
    bytes += '\n';
    bytes.append(secret.sessionToken.view().data(), qsizetype(secret.sessionToken.view().size()));
    return bytes;
}

void wipe(QByteArray& bytes) {
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

std::optional<AccessSecret> decode(QByteArray bytes) {
    const qsizetype first = bytes.indexOf('\n');
    const qsizetype second = first < 0 ? -1 : bytes.indexOf('\n', first + 1);
    std::optional<AccessSecret> out;
    if (second >= 0) {
        out.emplace();
        out->accessKeyId = bytes.left(first).toStdString();
        out->secret =
            SecureString(std::string_view(bytes.constData() + first + 1, size_t(second - first - 1)));
        out->sessionToken =
            SecureString(std::string_view(bytes.constData() + second + 1, size_t(bytes.size() - second - 1)));
        out->origin = "the desktop keychain";
    }
    wipe(bytes);
    return out;
}

template <typename Job>
Job* makeJob(const SourceSpec& spec) {
    auto* job = new Job(kService);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file
    job->setKey(keyOf(spec));
    return job;
}

} // namespace

bool available() {
    return qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS");
}

void store(const SourceSpec& spec, const AccessSecret& secret, QObject* context,
           std::function<void(const QString& error)> done) {
    auto* job = makeJob<QKeychain::WritePasswordJob>(spec);
    QByteArray bytes = encode(secret);
    job->setBinaryData(bytes);
    wipe(bytes);
    QPointer<QObject> guard(context);
    const QString name = sourceName(spec);
    QObject::connect(job, &QKeychain::Job::finished, context, [guard, done, name](QKeychain::Job* finished) {
        if (!guard || !done)
            return;
        done(finished->error() == QKeychain::NoError
                 ? QString()
                 : QObject::tr("Could not save the credentials of %1 in the desktop keychain: %2")
                       .arg(name, finished->errorString()));
    });
    job->start();
}

void read(const SourceSpec& spec, QObject* context,
          std::function<void(std::optional<AccessSecret> secret, const QString& error)> done) {
    auto* job = makeJob<QKeychain::ReadPasswordJob>(spec);
    QPointer<QObject> guard(context);
    const QString name = sourceName(spec);
    QObject::connect(job, &QKeychain::Job::finished, context, [guard, done, name](QKeychain::Job* finished) {
        auto* reader = static_cast<QKeychain::ReadPasswordJob*>(finished);
        if (!guard || !done)
            return;
        if (reader->error() == QKeychain::EntryNotFound) {
            done(std::nullopt, QString());
            return;
        }
        if (reader->error() != QKeychain::NoError) {
            done(std::nullopt,
                 QObject::tr("Could not read the credentials of %1 from the desktop keychain: %2")
                     .arg(name, reader->errorString()));
            return;
        }
        std::optional<AccessSecret> secret = decode(reader->binaryData());
        const QString error = secret ? QString()
                                     : QObject::tr("The desktop keychain's entry for %1 is not one Athanor "
                                                   "wrote; enter the credentials again.")
                                           .arg(name);
        done(std::move(secret), error);
    });
    job->start();
}

void forget(const SourceSpec& spec, QObject* context, std::function<void(const QString& error)> done) {
    auto* job = makeJob<QKeychain::DeletePasswordJob>(spec);
    QPointer<QObject> guard(context);
    const QString name = sourceName(spec);
    QObject::connect(job, &QKeychain::Job::finished, context, [guard, done, name](QKeychain::Job* finished) {
        if (!guard || !done)
            return;
        const bool gone =
            finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound;
        done(gone ? QString()
                  : QObject::tr("Could not remove the credentials of %1 from the desktop keychain: %2")
                        .arg(name, finished->errorString()));
    });
    job->start();
}

} // namespace athanor::ui::CredentialKeychain
