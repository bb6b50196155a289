// The optional libraries are loaded only when their feature is used: libcurl for remote state (it drags ~28
// libraries into the process, ~20 ms of start-up per athanorctl command), libsqlite3 for SQLite state and
// libcrypto for AES-256-GCM on CPUs without AES-NI (~1.5 and ~2 ms each). Local folders and the commands that
// work on them load none of them; the first user of each does, and athanorctl still reaches remote and SQLite
// stores (tst_remote_sources, tst_repair_remote, tst_sqlite_source, tst_alchemy_sqlite).
#include "EngineTestFiles.h"
#include "ProcessRun.h"
#include "secrets/OpenSslLibrary.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecretCipher.h"
#include "store/StateSources.h"
#include "store/StoreError.h"
#include "store/http/CurlLibrary.h"
#include "store/http/HttpClient.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteLibrary.h"
#include "system/DynamicLibrary.h"

#include <QtTest>
#include <link.h>

using namespace athanor;

namespace {

// Whether a shared object whose path contains `name` is mapped into this process.
bool libraryMapped(const std::string& name) {
    struct Search {
        const std::string* name;
        bool found = false;
    } search{&name};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            auto* s = static_cast<Search*>(data);
            if (info->dlpi_name && std::string_view(info->dlpi_name).find(*s->name) != std::string_view::npos)
                s->found = true;
            return 0;
        },
        &search);
    return search.found;
}

// The libraries the dynamic loader opened for one athanorctl command (glibc's LD_DEBUG=files trace).
std::string loaderTrace(const QStringList& args) {
    const auto run = testsupport::runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args,
                                             std::filesystem::current_path(), {},
                                             {{QStringLiteral("LD_DEBUG"), QStringLiteral("files")}});
    if (run.exitCode != 0)
        throw std::runtime_error("athanorctl " + args.join(' ').toStdString() + " failed: " + run.err);
    return run.err;
}

} // namespace

class TestOptionalLibraries : public QObject {
    Q_OBJECT

private slots:
    // First, before anything in this process makes an HTTP client, opens a SQLite file or asks for OpenSSL.
    void localStateLeavesOptionalLibrariesUnloaded() {
        const auto project = test_files::fixtureProjects().front();
        auto source = openStateSource(SourceSpec::folder(project));
        QVERIFY(source->exists());
        QVERIFY(!source->apps().empty());
        // A secret sealed and opened with the default backend: libsodium's AES-256-GCM wherever the CPU has
        // AES-NI, so OpenSSL stays out of the process.
        PasswordRing passwords;
        passwords.add(SecureString("correct horse"));
        const Json sealed = encryptV1("a secret", passwords.at(0));
        QCOMPARE(std::string(decryptSecretTag(sealed, passwords).plaintext.view()), std::string("a secret"));
        for (const char* library : {"libcurl", "libsqlite3", "libcrypto"})
            QVERIFY2(!libraryMapped(library), (std::string("local work mapped ") + library).c_str());
        QVERIFY(!http::curlLibraryLoaded());
        QVERIFY(!sqlite::sqliteLibraryLoaded());
        QVERIFY(!openSslLibraryLoaded());
        QCOMPARE(int(activeAesGcmBackend()), int(AesGcmBackend::Libsodium)); // else this machine cannot say
    }

    void athanorctlOnLocalStateLoadsNoOptionalLibrary() {
        QVERIFY2(QFileInfo::exists(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl")), "athanorctl is not built");
        const std::string version = loaderTrace({"--version"});
        QVERIFY2(version.find("file=libsodium") != std::string::npos,
                 ("no loader trace from LD_DEBUG=files: " + version).c_str());
        const auto project = QString::fromStdString(test_files::fixtureProjects().front().string());
        const std::string list = loaderTrace({"state", "list", "--root", project});
        for (const char* library : {"libcurl", "libsqlite3", "libcrypto"}) {
            QVERIFY2(version.find(library) == std::string::npos, version.c_str());
            QVERIFY2(list.find(library) == std::string::npos, list.c_str());
        }
    }

    void anHttpClientLoadsLibcurl() {
        http::Client client;
        QVERIFY2(libraryMapped("libcurl"), "an HTTP client exists but libcurl is not loaded");
        QVERIFY(http::curlLibraryLoaded());
        // A refused connection is answered through libcurl (its error text), not a crash or a hang.
        http::Request request;
        request.url = "http://127.0.0.1:1/";
        try {
            (void)client.send(request);
            QFAIL("a request to a closed port got an answer");
        } catch (const http::RemoteError& e) {
            QVERIFY2(e.kind() == http::RemoteError::Kind::Offline, e.what());
            QVERIFY2(std::string(e.what()).find("127.0.0.1:1") != std::string::npos, e.what());
        }
    }

    void aSqliteSourceLoadsLibsqlite3() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto file = std::filesystem::path(dir.path().toStdString()) / "state.sqlite";
        {
            sqlite::Database created(file, sqlite::Database::Mode::Create);
            created.exec("CREATE TABLE notes (text TEXT)");
        }
        QVERIFY(sqlite::sqliteLibraryLoaded());
        QVERIFY(libraryMapped("libsqlite3"));
        // athanorctl loads it for a database too, and reads it: a file without Alchemy's tables is named.
        const auto run = testsupport::runProcess(
            QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"),
            {"state", "list", "--state", QString::fromStdString("sqlite:" + file.string())},
            std::filesystem::current_path(), {}, {{QStringLiteral("LD_DEBUG"), QStringLiteral("files")}});
        QVERIFY2(run.err.find("file=libsqlite3.so.0") != std::string::npos, run.err.c_str());
        QVERIFY2(run.err.find(file.string()) != std::string::npos, run.err.c_str());
    }

    void theOpenSslBackendLoadsLibcrypto() {
        setAesGcmBackend(AesGcmBackend::OpenSsl);
        PasswordRing passwords;
        passwords.add(SecureString("correct horse"));
        const Json sealed = encryptV1("a secret", passwords.at(0));
        setAesGcmBackend(AesGcmBackend::Auto);
        QVERIFY(openSslLibraryLoaded());
        QVERIFY(libraryMapped("libcrypto"));
        // What OpenSSL sealed, libsodium opens: one format whichever library does the work.
        QCOMPARE(std::string(decryptSecretTag(sealed, passwords).plaintext.view()), std::string("a secret"));
    }

    void aMissingLibraryIsNamedWithItsPackage() {
        try {
            (void)system::openLibrary<StoreError>("libathanor-absent.so.7",
                                                  "install the Debian package absent7");
            QFAIL("a library that does not exist was opened");
        } catch (const StoreError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("cannot load libathanor-absent.so.7") != std::string::npos, e.what());
            QVERIFY2(message.find("install the Debian package absent7") != std::string::npos, e.what());
        }
        void* libc = system::openLibrary<std::runtime_error>("libc.so.6", "install libc6");
        void (*function)() = nullptr;
        try {
            system::resolveSymbol<std::runtime_error>(libc, "libc.so.6", "athanor_no_such_function",
                                                      "install libc6", function);
            QFAIL("a function that does not exist was found");
        } catch (const std::runtime_error& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("libc.so.6 has no athanor_no_such_function; install libc6"));
        }
        QVERIFY(function == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestOptionalLibraries)
#include "tst_optional_libraries.moc"
