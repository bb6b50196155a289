#pragma once

#include "store/http/HttpClient.h"
#include "store/s3/S3Config.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace athanor::s3 {

struct ListedObject {
    std::string key;
    uint64_t size = 0;
    std::string etag;
    std::string lastModified; // ISO-8601 as S3 gives it
};

// The S3 REST calls the state store needs, signed with SigV4 by libcurl: GetObject, PutObject (plain and
// conditional), DeleteObject, ListObjectsV2 with continuation paging. Transient failures (network, 5xx,
// throttling) are retried (http::RetryPolicy); refused credentials never are. Errors are http::RemoteError
// naming the bucket and key, with S3's error code and message. Thread-safe.
class Client {
public:
    Client(std::string bucket, Endpoint endpoint, Credentials credentials,
           std::shared_ptr<http::Client> client = nullptr);

    const std::string& bucket() const { return m_bucket; }
    const Endpoint& endpoint() const { return m_endpoint; }
    const std::string& credentialsOrigin() const { return m_credentials.origin; }
    http::Client& httpClient() { return *m_http; }

    // ListObjectsV2 with MaxKeys 1, as Alchemy's S3StateStore.init() checks the bucket: a missing bucket,
    // refused credentials or a wrong region say so here.
    void checkBucket(std::stop_token cancel = {});

    // The object's bytes; nullopt when there is no such key.
    std::optional<std::string> get(const std::string& key, std::stop_token cancel = {});
    void put(const std::string& key, const std::string& body, std::stop_token cancel = {});
    // PutObject with If-None-Match: * (create only): true when created, false when the key already existed
    // (412 Precondition Failed, or 409 for a concurrent conditional write).
    bool putIfAbsent(const std::string& key, const std::string& body, std::stop_token cancel = {});
    // A missing key is no error (Alchemy ignores NoSuchKey).
    void remove(const std::string& key, std::stop_token cancel = {});

    // Every object whose key starts with `prefix`, in key order, all pages (continuation tokens). `onPage`
    // gets the count so far after each page.
    std::vector<ListedObject> list(const std::string& prefix, std::stop_token cancel = {},
                                   const std::function<void(size_t listed)>& onPage = {},
                                   int maxKeysPerPage = 1000);

private:
    std::string objectUrl(const std::string& key) const;
    std::string bucketUrl(const std::string& query) const;
    http::Request request(std::string method, std::string url, std::string what) const;
    [[noreturn]] void fail(const http::Response& response, const std::string& what) const;

    std::string m_bucket;
    Endpoint m_endpoint;
    Credentials m_credentials;
    std::shared_ptr<http::Client> m_http;
};

} // namespace athanor::s3
