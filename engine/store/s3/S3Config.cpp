#include "store/s3/S3Config.h"

#include <cstdlib>
#include <fstream>
#include <sodium.h>
#include <stdexcept>

namespace athanor::s3 {

namespace {

std::string trim(std::string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
        --end;
    return std::string(text.substr(begin, end - begin));
}

std::optional<std::string> nonEmpty(const Environment& env, const char* name) {
    std::optional<std::string> value = env(name);
    if (value && value->empty())
        return std::nullopt;
    return value;
}

std::string homeFile(const Environment& env, const char* override, const char* relative) {
    if (auto file = nonEmpty(env, override))
        return *file;
    const std::optional<std::string> home = nonEmpty(env, "HOME");
    return home ? *home + "/" + relative : std::string();
}

// The key = value pairs of section `section` of an INI file (~/.aws/credentials, ~/.aws/config). Values are
// handed to `take` one by one so that a secret is never copied around more than once.
bool readIniSection(const std::string& file, const std::string& section,
                    const std::function<void(const std::string& key, std::string& value)>& take) {
    std::ifstream in(file);
    if (!in)
        return false;
    bool inside = false, found = false;
    std::string line;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';')
            continue;
        if (t.front() == '[' && t.back() == ']') {
            inside = trim(std::string_view(t).substr(1, t.size() - 2)) == section;
            found = found || inside;
            continue;
        }
        if (!inside)
            continue;
        const size_t eq = t.find('=');
        if (eq == std::string::npos)
            continue;
        std::string value = trim(std::string_view(t).substr(eq + 1));
        take(trim(std::string_view(t).substr(0, eq)), value);
        sodium_memzero(value.data(), value.size());
    }
    sodium_memzero(line.data(), line.size());
    return found;
}

} // namespace

Environment processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* value = std::getenv(name.c_str()))
            return std::string(value);
        return std::nullopt;
    };
}

S3Location S3Location::parse(std::string_view text) {
    constexpr std::string_view scheme = "s3://";
    if (text.substr(0, scheme.size()) != scheme)
        throw std::invalid_argument("state source \"" + std::string(text) +
                                    "\": an S3 source is s3://BUCKET[/PREFIX]");
    std::string_view rest = text.substr(scheme.size());
    S3Location location;
    if (const size_t query = rest.find('?'); query != std::string_view::npos) {
        std::string_view params = rest.substr(query + 1);
        rest = rest.substr(0, query);
        while (!params.empty()) {
            const size_t amp = params.find('&');
            const std::string_view param = params.substr(0, amp);
            params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
            if (param.substr(0, 7) == "region=" && param.size() > 7)
                location.region = std::string(param.substr(7));
            else
                throw std::invalid_argument("state source \"" + std::string(text) + "\": unknown option \"" +
                                            std::string(param) + "\" (known: region=REGION)");
        }
    }
    const size_t slash = rest.find('/');
    location.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos && slash + 1 < rest.size())
        location.prefix = std::string(rest.substr(slash + 1));
    if (location.bucket.empty())
        throw std::invalid_argument("state source \"" + std::string(text) +
                                    "\": no bucket (s3://BUCKET[/PREFIX])");
    for (const char c : location.bucket)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
            throw std::invalid_argument("state source \"" + std::string(text) + "\": \"" + location.bucket +
                                        "\" is not a bucket name (letters, digits, '-', '.', '_')");
    return location;
}

std::string S3Location::toString() const {
    std::string out = "s3://" + bucket;
    if (prefix != "alchemy/")
        out += "/" + prefix;
    if (!region.empty())
        out += "?region=" + region;
    return out;
}

std::optional<Credentials> findCredentials(const Environment& env, std::string* problem) {
    const std::optional<std::string> keyId = nonEmpty(env, "AWS_ACCESS_KEY_ID");
    std::optional<std::string> secret = nonEmpty(env, "AWS_SECRET_ACCESS_KEY");
    if (keyId && secret) {
        Credentials c;
        c.accessKeyId = *keyId;
        c.secretAccessKey = SecureString(*secret);
        sodium_memzero(secret->data(), secret->size());
        if (std::optional<std::string> token = nonEmpty(env, "AWS_SESSION_TOKEN")) {
            c.sessionToken = SecureString(*token);
            sodium_memzero(token->data(), token->size());
        }
        c.origin = "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
        return c;
    }
    if (secret)
        sodium_memzero(secret->data(), secret->size());
    if (keyId || secret) {
        if (problem)
            *problem = keyId ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                             : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not";
        return std::nullopt;
    }
    const std::string profile = nonEmpty(env, "AWS_PROFILE").value_or("default");
    const std::string file = homeFile(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    if (file.empty())
        return std::nullopt;
    Credentials c;
    const bool found = readIniSection(file, profile, [&](const std::string& key, std::string& value) {
        if (key == "aws_access_key_id")
            c.accessKeyId = value;
        else if (key == "aws_secret_access_key")
            c.secretAccessKey = SecureString(value);
        else if (key == "aws_session_token")
            c.sessionToken = SecureString(value);
    });
    if (!found) {
        if (problem && nonEmpty(env, "AWS_PROFILE"))
            *problem = "profile " + profile + " is not in " + file;
        return std::nullopt;
    }
    if (c.accessKeyId.empty() || c.secretAccessKey.empty()) {
        if (problem)
            *problem =
                "profile " + profile + " in " + file + " has no aws_access_key_id and aws_secret_access_key";
        return std::nullopt;
    }
    c.origin = "profile " + profile + " in " + file;
    return c;
}

std::string resolveRegion(const S3Location& location, const Environment& env) {
    if (!location.region.empty())
        return location.region;
    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"})
        if (auto region = nonEmpty(env, name))
            return *region;
    const std::string profile = nonEmpty(env, "AWS_PROFILE").value_or("default");
    const std::string file = homeFile(env, "AWS_CONFIG_FILE", ".aws/config");
    std::string region;
    if (!file.empty())
        readIniSection(file, profile == "default" ? "default" : "profile " + profile,
                       [&](const std::string& key, std::string& value) {
                           if (key == "region")
                               region = value;
                       });
    return region.empty() ? "us-east-1" : region;
}

Endpoint resolveEndpoint(const S3Location& location, const Environment& env) {
    Endpoint e;
    e.region = resolveRegion(location, env);
    for (const char* name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
        if (auto url = nonEmpty(env, name)) {
            std::string base = *url;
            while (!base.empty() && base.back() == '/')
                base.pop_back();
            if (base.find("://") == std::string::npos)
                throw std::invalid_argument(std::string(name) + "=" + *url +
                                            " is not a URL (http://HOST:PORT or https://HOST)");
            e.baseUrl = base;
            e.pathStyle = true; // MinIO, R2, Ceph, s3rver, an IP: the bucket goes in the path
            e.origin = name;
            return e;
        }
    }
    e.baseUrl = "https://s3." + e.region + ".amazonaws.com";
    // A dotted bucket name does not match AWS's wildcard certificate as a host name.
    e.pathStyle = location.bucket.find('.') != std::string::npos;
    e.origin = "AWS (s3." + e.region + ".amazonaws.com)";
    return e;
}

} // namespace athanor::s3
