#include "store/s3/S3Client.h"

#include "store/s3/S3Xml.h"

namespace athanor::s3 {

namespace {

using http::RemoteError;

struct S3ErrorBody {
    std::string code;
    std::string message;
};

S3ErrorBody errorBody(const http::Response& response) {
    S3ErrorBody out;
    if (response.body.empty())
        return out;
    try {
        const XmlElement root = parseXml(response.body);
        if (root.name == "Error") {
            out.code = root.childText("Code").value_or("");
            out.message = root.childText("Message").value_or("");
        }
    } catch (const XmlError&) {
        // Not S3's XML (a proxy's page): the status says enough.
    }
    return out;
}

bool isCredentialError(const std::string& code) {
    return code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "AccessDenied" ||
           code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired" ||
           code == "InvalidClientTokenId" || code == "AuthorizationHeaderMalformed";
}

} // namespace

Client::Client(std::string bucket, Endpoint endpoint, Credentials credentials,
               std::shared_ptr<http::Client> client)
    : m_bucket(std::move(bucket)), m_endpoint(std::move(endpoint)), m_credentials(std::move(credentials)),
      m_http(client ? std::move(client) : std::make_shared<http::Client>()) {}

std::string Client::objectUrl(const std::string& key) const {
    const std::string path = "/" + http::uriEncode(key, true);
    if (m_endpoint.pathStyle)
        return m_endpoint.baseUrl + "/" + http::uriEncode(m_bucket) + path;
    const size_t hostStart = m_endpoint.baseUrl.find("://") + 3;
    return m_endpoint.baseUrl.substr(0, hostStart) + m_bucket + "." + m_endpoint.baseUrl.substr(hostStart) +
           path;
}

std::string Client::bucketUrl(const std::string& query) const {
    std::string url;
    if (m_endpoint.pathStyle) {
        url = m_endpoint.baseUrl + "/" + http::uriEncode(m_bucket);
    } else {
        const size_t hostStart = m_endpoint.baseUrl.find("://") + 3;
        url = m_endpoint.baseUrl.substr(0, hostStart) + m_bucket + "." +
              m_endpoint.baseUrl.substr(hostStart) + "/";
    }
    return query.empty() ? url : url + "?" + query;
}

http::Request Client::request(std::string method, std::string url, std::string what) const {
    http::Request r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.subject = std::move(what);
    http::SigV4 sign;
    sign.region = m_endpoint.region;
    sign.service = "s3";
    sign.accessKeyId = m_credentials.accessKeyId;
    sign.secretAccessKey = &m_credentials.secretAccessKey;
    sign.sessionToken = &m_credentials.sessionToken;
    r.sigv4 = std::move(sign);
    return r;
}

void Client::fail(const http::Response& response, const std::string& what) const {
    const S3ErrorBody error = errorBody(response);
    const std::string said = error.code.empty()
                                 ? "HTTP " + std::to_string(response.status)
                                 : error.code + (error.message.empty() ? "" : ": " + error.message);
    if (response.status == 401 ||
        (response.status == 403 && (error.code.empty() || isCredentialError(error.code))))
        throw RemoteError(RemoteError::Kind::Unauthorized,
                          what + ": the credentials were refused (" + said + "; they came from " +
                              m_credentials.origin + ")",
                          response.status);
    if (error.code == "NoSuchBucket")
        throw RemoteError(RemoteError::Kind::Refused,
                          what + ": the bucket " + m_bucket + " does not exist at " + m_endpoint.baseUrl +
                              " (Alchemy's S3StateStore needs it created first)",
                          response.status);
    if (response.status == 301 || response.status == 307 || error.code == "PermanentRedirect") {
        const std::string region = response.header("x-amz-bucket-region").value_or("");
        throw RemoteError(RemoteError::Kind::Refused,
                          what + ": the bucket is not in region " + m_endpoint.region +
                              (region.empty() ? std::string() : " but in " + region) +
                              " (add ?region=REGION to the source or set AWS_REGION)",
                          response.status);
    }
    const RemoteError::Kind kind =
        http::retryableStatus(response.status) ? RemoteError::Kind::Server : RemoteError::Kind::Refused;
    throw RemoteError(kind, what + ": " + said, response.status);
}

void Client::checkBucket(std::stop_token cancel) {
    const std::string what = "s3://" + m_bucket + " at " + m_endpoint.baseUrl;
    const http::Response response = m_http->sendWithRetries(
        request("GET", bucketUrl(http::canonicalQuery({{"list-type", "2"}, {"max-keys", "1"}})), what),
        cancel);
    if (response.status != 200)
        fail(response, what);
}

std::optional<std::string> Client::get(const std::string& key, std::stop_token cancel) {
    const std::string what = "s3://" + m_bucket + "/" + key;
    http::Response response = m_http->sendWithRetries(request("GET", objectUrl(key), what), cancel);
    if (response.status == 200)
        return std::move(response.body);
    if (response.status == 404 && errorBody(response).code != "NoSuchBucket")
        return std::nullopt;
    fail(response, what);
}

void Client::put(const std::string& key, const std::string& body, std::stop_token cancel) {
    const std::string what = "s3://" + m_bucket + "/" + key;
    http::Request r = request("PUT", objectUrl(key), what);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body;
    const http::Response response = m_http->sendWithRetries(r, cancel);
    if (response.status != 200)
        fail(response, what);
}

bool Client::putIfAbsent(const std::string& key, const std::string& body, std::stop_token cancel) {
    const std::string what = "s3://" + m_bucket + "/" + key;
    http::Request r = request("PUT", objectUrl(key), what);
    r.headers.emplace_back("Content-Type", "application/json");
    r.headers.emplace_back("If-None-Match", "*");
    r.body = body;
    const http::Response response = m_http->sendWithRetries(r, cancel);
    if (response.status == 200)
        return true;
    if (response.status == 412 || response.status == 409)
        return false;
    fail(response, what);
}

void Client::remove(const std::string& key, std::stop_token cancel) {
    const std::string what = "s3://" + m_bucket + "/" + key;
    const http::Response response = m_http->sendWithRetries(request("DELETE", objectUrl(key), what), cancel);
    if (response.status == 204 || response.status == 200)
        return;
    if (response.status == 404 && errorBody(response).code != "NoSuchBucket")
        return;
    fail(response, what);
}

std::vector<ListedObject> Client::list(const std::string& prefix, std::stop_token cancel,
                                       const std::function<void(size_t)>& onPage, int maxKeysPerPage) {
    const std::string what = "s3://" + m_bucket + "/" + prefix;
    std::vector<ListedObject> out;
    std::string continuation;
    for (;;) {
        std::vector<std::pair<std::string, std::string>> query{
            {"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(maxKeysPerPage)}};
        if (!continuation.empty())
            query.emplace_back("continuation-token", continuation);
        const http::Response response = m_http->sendWithRetries(
            request("GET", bucketUrl(http::canonicalQuery(std::move(query))), what), cancel);
        if (response.status != 200)
            fail(response, what);
        XmlElement root;
        try {
            root = parseXml(response.body);
        } catch (const XmlError& e) {
            throw RemoteError(RemoteError::Kind::BadResponse, what + ": the listing is " + e.what(),
                              response.status);
        }
        if (root.name != "ListBucketResult")
            throw RemoteError(RemoteError::Kind::BadResponse,
                              what + ": the listing is <" + root.name + ">, not <ListBucketResult>",
                              response.status);
        for (const XmlElement& item : root.children) {
            if (item.name != "Contents")
                continue;
            ListedObject object;
            object.key = item.childText("Key").value_or("");
            if (object.key.empty())
                continue;
            try {
                object.size = std::stoull(item.childText("Size").value_or("0"));
            } catch (const std::exception&) {
                object.size = 0;
            }
            object.etag = item.childText("ETag").value_or("");
            object.lastModified = item.childText("LastModified").value_or("");
            out.push_back(std::move(object));
        }
        if (onPage)
            onPage(out.size());
        const bool truncated = root.childText("IsTruncated").value_or("false") == "true";
        const std::string next = root.childText("NextContinuationToken").value_or("");
        if (!truncated)
            break;
        if (next.empty() || next == continuation)
            throw RemoteError(RemoteError::Kind::BadResponse,
                              what + ": the listing is truncated but gives no new continuation token",
                              response.status);
        continuation = next;
    }
    return out;
}

} // namespace athanor::s3
