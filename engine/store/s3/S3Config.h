#pragma once

#include "secrets/SecureString.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace athanor::s3 {

// Reads a variable of the process environment (tests pass their own).
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment processEnvironment();

// The state of an S3StateStore: `s3://BUCKET[/PREFIX][?region=REGION]`. PREFIX is Alchemy's `prefix` option
// verbatim (keys are PREFIX + chain + "/" + id, reference §6.8-6.9), "alchemy/" when absent or empty, as
// Alchemy's default; write the trailing '/' a folder-like prefix needs (`s3://b/team/`).
struct S3Location {
    std::string bucket;
    std::string prefix = "alchemy/";
    std::string region; // from ?region=; empty: the environment's

    // Throws std::invalid_argument naming the text.
    static S3Location parse(std::string_view text);
    std::string toString() const; // parse(toString()) == *this; the default prefix is left out
    bool operator==(const S3Location&) const = default;
};

// An AWS key pair, and where it came from (for messages; never the values).
struct Credentials {
    std::string accessKeyId;
    SecureString secretAccessKey;
    SecureString sessionToken; // empty: none
    std::string origin;        // "AWS_ACCESS_KEY_ID", "profile default in /home/u/.aws/credentials"
};

// Credentials as the AWS SDK's default chain finds them without a network: AWS_ACCESS_KEY_ID +
// AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the profile AWS_PROFILE (default "default") of
// AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. nullopt when there are none; `problem` says why when a
// half-set pair or an unreadable file is the reason.
std::optional<Credentials> findCredentials(const Environment& env, std::string* problem = nullptr);

// Where requests go.
struct Endpoint {
    std::string baseUrl;    // scheme://host[:port][/path], no trailing '/'
    bool pathStyle = false; // https://host/BUCKET/KEY instead of https://BUCKET.host/KEY
    std::string region;
    std::string origin; // "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", or "AWS (s3.<region>.amazonaws.com)"
};

// The region: the source's ?region=, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region in
// AWS_CONFIG_FILE or ~/.aws/config, else us-east-1. The endpoint: AWS_ENDPOINT_URL_S3, else
// AWS_ENDPOINT_URL, else AWS's regional endpoint. Path-style addressing for a custom endpoint (MinIO, R2's
// S3 API, Ceph, an IP address) and for bucket names with dots; virtual-host style on AWS otherwise.
std::string resolveRegion(const S3Location& location, const Environment& env);
Endpoint resolveEndpoint(const S3Location& location, const Environment& env);

} // namespace athanor::s3
