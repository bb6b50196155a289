// libcurl is loaded only when remote state is used: local folders and the commands that work on them never
// load it (it drags ~28 libraries into the process, ~20 ms of start-up per athanorctl command), while the
// first HTTP client does, and athanorctl still reaches remote stores (tst_remote_sources, tst_repair_remote).
#include "EngineTestFiles.h"
#include "ProcessRun.h"
#include "store/StateSources.h"
#include "store/http/CurlLibrary.h"
#include "store/http/HttpClient.h"

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

class TestRemoteLoading : public QObject {
    Q_OBJECT

private slots:
    // First, before anything in this process makes an HTTP client.
    void localStateLeavesLibcurlUnloaded() {
        const auto project = test_files::fixtureProjects().front();
        auto source = openStateSource(SourceSpec::folder(project));
        QVERIFY(source->exists());
        QVERIFY(!source->apps().empty());
        QVERIFY2(!libraryMapped("libcurl"), "reading a local folder mapped libcurl into the process");
        QVERIFY(!http::curlLibraryLoaded());
    }

    void athanorctlOnLocalStateDoesNotLoadLibcurl() {
        QVERIFY2(QFileInfo::exists(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl")), "athanorctl is not built");
        const std::string version = loaderTrace({"--version"});
        QVERIFY2(version.find("file=libsodium") != std::string::npos,
                 ("no loader trace from LD_DEBUG=files: " + version).c_str());
        QVERIFY2(version.find("libcurl") == std::string::npos, version.c_str());
        const auto project = QString::fromStdString(test_files::fixtureProjects().front().string());
        const std::string list = loaderTrace({"state", "list", "--root", project});
        QVERIFY2(list.find("libcurl") == std::string::npos, list.c_str());
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
};

QTEST_GUILESS_MAIN(TestRemoteLoading)
#include "tst_remote_loading.moc"
