#include "store/http/HttpClient.h"

#include "secrets/Sha256.h"
#include "store/http/CurlLibrary.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <sodium.h>
#include <thread>

namespace athanor::http {

namespace {

std::string lowerCase(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin &&
           (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r' || text[end - 1] == '\n'))
        --end;
    return std::string(text.substr(begin, end - begin));
}

std::string subjectOf(const Request& request) {
    if (!request.subject.empty())
        return request.subject;
    const size_t query = request.url.find('?');
    return query == std::string::npos ? request.url : request.url.substr(0, query);
}

std::string seconds(std::chrono::milliseconds ms) {
    const auto whole = ms.count() / 1000;
    const auto tenths = (ms.count() % 1000) / 100;
    return std::to_string(whole) + (tenths ? "." + std::to_string(tenths) : std::string()) + " s";
}

// A curl header list whose strings are wiped before they are freed: it may hold a bearer token.
class HeaderList {
public:
    explicit HeaderList(const CurlLibrary& library) : curl(library) {}
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    ~HeaderList() {
        for (curl_slist* item = m_list; item; item = item->next)
            if (item->data)
                sodium_memzero(item->data, std::strlen(item->data));
        curl.slist_free_all(m_list);
    }
    void add(const std::string& line) {
        if (curl_slist* grown = curl.slist_append(m_list, line.c_str()))
            m_list = grown;
        else
            throw std::bad_alloc();
    }
    curl_slist* get() const { return m_list; }

private:
    const CurlLibrary& curl;
    curl_slist* m_list = nullptr;
};

// A NUL-terminated copy of a secret for a C API, wiped when it goes.
class CSecret {
public:
    explicit CSecret(std::string_view text) : m_bytes(text.begin(), text.end()) { m_bytes.push_back('\0'); }
    ~CSecret() { sodium_memzero(m_bytes.data(), m_bytes.size()); }
    CSecret(const CSecret&) = delete;
    CSecret& operator=(const CSecret&) = delete;
    const char* c_str() const { return m_bytes.data(); }

private:
    std::vector<char> m_bytes;
};

RemoteError::Kind kindOf(CURLcode code) {
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return RemoteError::Kind::Timeout;
    case CURLE_ABORTED_BY_CALLBACK:
        return RemoteError::Kind::Cancelled;
    default:
        return RemoteError::Kind::Offline;
    }
}

} // namespace

std::string_view toString(RemoteError::Kind kind) {
    switch (kind) {
    case RemoteError::Kind::Offline:
        return "offline";
    case RemoteError::Kind::Timeout:
        return "timeout";
    case RemoteError::Kind::Cancelled:
        return "cancelled";
    case RemoteError::Kind::Unauthorized:
        return "unauthorized";
    case RemoteError::Kind::Server:
        return "server error";
    case RemoteError::Kind::Refused:
        return "refused";
    case RemoteError::Kind::BadResponse:
        return "bad response";
    }
    return "error";
}

std::optional<std::string> Response::header(std::string_view lowerCaseName) const {
    for (const auto& [name, value] : headers)
        if (name == lowerCaseName)
            return value;
    return std::nullopt;
}

std::chrono::milliseconds RetryPolicy::delayBefore(int attempt) const {
    if (attempt <= 1)
        return std::chrono::milliseconds(0);
    double delay = static_cast<double>(firstDelay.count());
    for (int i = 2; i < attempt; ++i)
        delay *= factor;
    thread_local std::mt19937 random{std::random_device{}()};
    std::uniform_real_distribution<double> spread(0.0, jitter);
    return std::chrono::milliseconds(static_cast<long long>(delay * (1.0 + spread(random))));
}

bool retryableStatus(long status) {
    return status >= 500 || status == 429;
}

bool sleepFor(std::chrono::milliseconds duration, std::stop_token cancel) {
    if (cancel.stop_requested())
        return false;
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_for(lock, cancel, duration, [] { return false; }); // wakes early only for a stop request
    return !cancel.stop_requested();
}

std::string uriEncode(std::string_view text, bool keepSlash) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string canonicalQuery(std::vector<std::pair<std::string, std::string>> parameters) {
    for (auto& [name, value] : parameters) {
        name = uriEncode(name);
        value = uriEncode(value);
    }
    std::sort(parameters.begin(), parameters.end()); // byte order of the encoded forms, as SigV4 says
    std::string out;
    for (const auto& [name, value] : parameters) {
        if (!out.empty())
            out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

// One curl easy handle (its connections stay alive between calls) driven through a multi handle, so that
// a cancel request wakes the transfer's wait at once (curl_multi_wakeup) instead of at the next progress
// callback.
class Client::Session {
public:
    Session() : curl(curlLibrary()), m_easy(curl.easy_init()), m_multi(curl.multi_init()) {
        if (!m_easy || !m_multi)
            throw std::runtime_error("libcurl could not start a transfer (out of memory)");
    }
    ~Session() {
        curl.multi_cleanup(m_multi);
        curl.easy_cleanup(m_easy);
    }

    Response perform(const Request& request, const ClientOptions& options, std::stop_token cancel) {
        CURL* easy = m_easy;
        curl.easy_reset(easy); // options only: live connections and the DNS cache stay
        Response response;
        char errorText[CURL_ERROR_SIZE] = {};
        HeaderList headers(curl);
        curl_slist* connectTo = nullptr;
        for (const auto& entry : options.connectTo)
            connectTo = curl.slist_append(connectTo, entry.c_str());
        std::optional<CSecret> password;

        curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, errorText);
        curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); // gzip etc. when the server offers it
        curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options.timeouts.connect.count()));
        curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeouts.total.count()));
        curl.easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl.easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                         std::max(1L, static_cast<long>(options.timeouts.stall.count() / 1000)));
        if (connectTo)
            curl.easy_setopt(easy, CURLOPT_CONNECT_TO, connectTo);

        if (request.method == "HEAD") {
            curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
        } else if (request.method == "PUT" || request.method == "POST") {
            // The body from memory (POSTFIELDS): it is also what libcurl hashes for a SigV4 signature.
            curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
            curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
            if (request.method == "PUT")
                curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
        } else if (request.method != "GET") {
            curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }

        bool hasContentType = false;
        for (const auto& [name, value] : request.headers) {
            hasContentType = hasContentType || lowerCase(name) == "content-type";
            headers.add(name + ": " + value);
        }
        if ((request.method == "PUT" || request.method == "POST") && !hasContentType)
            headers.add("Content-Type: application/octet-stream"); // not curl's form-encoded default
        if (request.bearerToken) {
            std::string line = "Authorization: Bearer ";
            line.append(request.bearerToken->view());
            headers.add(line);
            sodium_memzero(line.data(), line.size());
        }
        std::string sigv4Provider;
        if (request.sigv4) {
            const SigV4& sign = *request.sigv4;
            sigv4Provider = "aws:amz:" + sign.region + ":" + sign.service;
            curl.easy_setopt(easy, CURLOPT_AWS_SIGV4, sigv4Provider.c_str());
            curl.easy_setopt(easy, CURLOPT_USERNAME, sign.accessKeyId.c_str());
            password.emplace(sign.secretAccessKey ? sign.secretAccessKey->view() : std::string_view());
            curl.easy_setopt(easy, CURLOPT_PASSWORD, password->c_str());
            if (sign.sendPayloadHash)
                headers.add("x-amz-content-sha256: " + sha256Hex(request.body));
            if (sign.sessionToken && !sign.sessionToken->empty()) {
                std::string line = "x-amz-security-token: ";
                line.append(sign.sessionToken->view());
                headers.add(line);
                sodium_memzero(line.data(), line.size());
            }
        }
        curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());

        curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Session::onBody);
        curl.easy_setopt(easy, CURLOPT_WRITEDATA, &response);
        curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Session::onHeader);
        curl.easy_setopt(easy, CURLOPT_HEADERDATA, &response);
        curl.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
        curl.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Session::onProgress);
        curl.easy_setopt(easy, CURLOPT_XFERINFODATA, &cancel);

        CURLcode result = CURLE_OK;
        {
            curl.multi_add_handle(m_multi, easy);
            std::stop_callback wakeOnCancel(cancel, [this] { curl.multi_wakeup(m_multi); });
            int running = 1;
            while (running) {
                if (cancel.stop_requested()) {
                    result = CURLE_ABORTED_BY_CALLBACK;
                    break;
                }
                if (const CURLMcode code = curl.multi_perform(m_multi, &running); code != CURLM_OK) {
                    std::snprintf(errorText, sizeof errorText, "%s", curl.multi_strerror(code));
                    result = CURLE_RECV_ERROR;
                    break;
                }
                if (running)
                    curl.multi_poll(m_multi, nullptr, 0, 1000, nullptr);
            }
            int queued = 0;
            while (CURLMsg* message = curl.multi_info_read(m_multi, &queued))
                if (message->msg == CURLMSG_DONE && result == CURLE_OK)
                    result = message->data.result;
            curl.multi_remove_handle(m_multi, easy);
        }
        // Nothing of the secret stays in the handle's options.
        curl.easy_setopt(easy, CURLOPT_PASSWORD, "");
        curl.easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
        curl.easy_setopt(easy, CURLOPT_CONNECT_TO, nullptr);
        curl.slist_free_all(connectTo);

        if (result != CURLE_OK || cancel.stop_requested()) {
            const std::string subject = subjectOf(request);
            if (cancel.stop_requested() || result == CURLE_ABORTED_BY_CALLBACK)
                throw RemoteError(RemoteError::Kind::Cancelled, subject + ": cancelled");
            const std::string detail = errorText[0] ? std::string(errorText) : curl.easy_strerror(result);
            if (kindOf(result) == RemoteError::Kind::Timeout)
                throw RemoteError(RemoteError::Kind::Timeout,
                                  subject + ": the server did not answer in time (limits: connect " +
                                      seconds(options.timeouts.connect) + ", silence " +
                                      seconds(options.timeouts.stall) + ", whole call " +
                                      seconds(options.timeouts.total) + "; " + detail + ")");
            throw RemoteError(RemoteError::Kind::Offline,
                              subject + ": no answer from the server (" + detail + ")");
        }
        curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }

private:
    static size_t onBody(char* data, size_t size, size_t count, void* user) {
        static_cast<Response*>(user)->body.append(data, size * count);
        return size * count;
    }
    static size_t onHeader(char* data, size_t size, size_t count, void* user) {
        auto* response = static_cast<Response*>(user);
        const std::string_view line(data, size * count);
        if (line.substr(0, 5) == "HTTP/") {
            response->headers.clear(); // a new answer (after 100 Continue): its headers only
        } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
            response->headers.emplace_back(lowerCase(trim(line.substr(0, colon))),
                                           trim(line.substr(colon + 1)));
        }
        return size * count;
    }
    static int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<std::stop_token*>(user)->stop_requested() ? 1 : 0;
    }

    const CurlLibrary& curl;
    CURL* m_easy;
    CURLM* m_multi;
};

Client::Client(ClientOptions options) : m_options(std::move(options)) {
    curlLibrary(); // loads libcurl now, so a missing one is reported where the remote source is opened
}

Client::~Client() = default;

std::unique_ptr<Client::Session> Client::takeSession() {
    {
        std::lock_guard lock(m_poolMutex);
        if (!m_idle.empty()) {
            auto session = std::move(m_idle.back());
            m_idle.pop_back();
            return session;
        }
    }
    return std::make_unique<Session>();
}

void Client::giveBack(std::unique_ptr<Session> session) {
    std::lock_guard lock(m_poolMutex);
    m_idle.push_back(std::move(session));
}

Response Client::send(const Request& request, std::stop_token cancel) {
    auto session = takeSession();
    m_requests.fetch_add(1, std::memory_order_relaxed);
    try {
        Response response = session->perform(request, m_options, cancel);
        giveBack(std::move(session));
        return response;
    } catch (const RemoteError&) {
        giveBack(std::move(session));
        throw;
    }
}

Response Client::sendWithRetries(const Request& request, std::stop_token cancel) {
    const RetryPolicy& policy = m_options.retry;
    const int attempts = std::max(1, policy.attempts);
    for (int attempt = 1;; ++attempt) {
        if (attempt > 1 && !sleepFor(policy.delayBefore(attempt), cancel))
            throw RemoteError(RemoteError::Kind::Cancelled, subjectOf(request) + ": cancelled");
        try {
            Response response = send(request, cancel);
            if (!retryableStatus(response.status) || attempt == attempts)
                return response;
        } catch (const RemoteError& e) {
            if (!e.transient() || attempt == attempts)
                throw;
        }
    }
}

} // namespace athanor::http
