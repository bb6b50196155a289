#pragma once

#include "store/RemoteAccess.h"

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace athanor::ui {

// A remote source's secret of access kept in the desktop keychain when the user asks for it (QtKeychain over
// the Secret Service), keyed by the source's text. Never QtKeychain's insecure fallback: without a keychain
// the secret stays in memory for the session only. Every call is an asynchronous job; `done` runs on the
// GUI thread (if `context` still exists), with an error text naming the source when the job failed.
namespace CredentialKeychain {

// Whether a desktop keychain can be asked at all: there is a session bus (without one, nothing is
// auto-launched just to find none).
bool available();

void store(const SourceSpec& spec, const AccessSecret& secret, QObject* context,
           std::function<void(const QString& error)> done);
// `secret` is empty when none is stored for the source (error empty) or the keychain failed (error set).
void read(const SourceSpec& spec, QObject* context,
          std::function<void(std::optional<AccessSecret> secret, const QString& error)> done);
// Deleting what is not there is no error.
void forget(const SourceSpec& spec, QObject* context, std::function<void(const QString& error)> done);

} // namespace CredentialKeychain

} // namespace athanor::ui
