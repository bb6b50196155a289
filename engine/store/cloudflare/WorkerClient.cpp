#include "store/cloudflare/WorkerClient.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"

namespace athanor::cloudflare {

namespace {

using http::RemoteError;

std::string chainText(const std::vector<std::string>& chain) {
    std::string out;
    for (const auto& part : chain)
        out += (out.empty() ? "" : "/") + part;
    return out.empty() ? "(root)" : out;
}

std::vector<std::string> stringArray(const Json& result, const std::string& what) {
    std::vector<std::string> out;
    if (result.is_null())
        return out;
    if (!result.is_array())
        throw RemoteError(RemoteError::Kind::BadResponse, what + ": the worker's result is not a list");
    for (const auto& item : result) {
        if (!item.is_string())
            throw RemoteError(RemoteError::Kind::BadResponse,
                              what + ": the worker's result is not a list of names");
        out.push_back(item.get<std::string>());
    }
    return out;
}

Json rowsObject(Json result, const std::string& what) {
    if (result.is_null())
        return Json::object();
    if (!result.is_object())
        throw RemoteError(RemoteError::Kind::BadResponse,
                          what + ": the worker's result is not an object of rows");
    return result;
}

} // namespace

WorkerClient::WorkerClient(std::string url, StateToken token, std::shared_ptr<http::Client> client)
    : m_url(std::move(url)), m_token(std::move(token)),
      m_http(client ? std::move(client) : std::make_shared<http::Client>()) {}

http::Request WorkerClient::request(std::string method, std::string body) const {
    http::Request r;
    r.method = std::move(method);
    r.url = m_url;
    r.body = std::move(body);
    r.bearerToken = &m_token.value;
    r.subject = subject();
    if (r.method == "POST")
        r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

void WorkerClient::throwUnauthorized() const {
    throw RemoteError(RemoteError::Kind::Unauthorized,
                      subject() +
                          ": the state token is invalid (the worker answered 401 Unauthorized; the token "
                          "came from " +
                          (m_token.origin.empty() ? std::string("the caller") : m_token.origin) +
                          "). Use the token the worker was deployed with (ALCHEMY_STATE_TOKEN of the team's "
                          "deployments).",
                      401);
}

void WorkerClient::checkToken(std::stop_token cancel) {
    const http::Response response = m_http->sendWithRetries(request("HEAD", {}), cancel);
    if (response.status == 401)
        throwUnauthorized();
    if (response.status >= 500)
        throw RemoteError(RemoteError::Kind::Server,
                          subject() + ": the worker failed (HTTP " + std::to_string(response.status) + ")",
                          response.status);
    if (response.status != 200)
        throw RemoteError(RemoteError::Kind::Refused,
                          subject() + ": HEAD answered HTTP " + std::to_string(response.status) +
                              " (is this the URL of Alchemy's state-store worker?)",
                          response.status);
}

Json WorkerClient::call(std::string_view method, Json params, const std::vector<std::string>& chain,
                        std::stop_token cancel) {
    Json body = Json::object();
    body["method"] = std::string(method);
    body["params"] = std::move(params);
    Json context = Json::object();
    Json chainArray = Json::array();
    for (const auto& part : chain)
        chainArray.push_back(part);
    context["chain"] = std::move(chainArray);
    body["context"] = std::move(context);

    const std::string what = subject() + ": " + std::string(method) + " in " + chainText(chain);
    const http::Response response = m_http->sendWithRetries(request("POST", stringifyJs(body, 0)), cancel);
    if (response.status == 401)
        throwUnauthorized();
    const std::string contentType = response.header("content-type").value_or("");
    if (contentType.find("application/json") == std::string::npos) {
        const RemoteError::Kind kind =
            response.status >= 500 ? RemoteError::Kind::Server : RemoteError::Kind::BadResponse;
        throw RemoteError(kind,
                          what + ": the answer is not JSON (HTTP " + std::to_string(response.status) +
                              ", Content-Type " + (contentType.empty() ? std::string("none") : contentType) +
                              "; is this the URL of Alchemy's state-store worker?)",
                          response.status);
    }
    Json reply;
    try {
        reply = parseJsonText(response.body);
    } catch (const JsonParseError& e) {
        throw RemoteError(RemoteError::Kind::BadResponse,
                          what + ": the answer is not valid JSON (" + e.what() + ")", response.status);
    }
    if (!reply.is_object() || !reply.contains("success"))
        throw RemoteError(RemoteError::Kind::BadResponse,
                          what + ": the answer has no \"success\" (is this Alchemy's state-store worker?)",
                          response.status);
    if (reply["success"] != true) {
        const std::string error = reply.contains("error") && reply["error"].is_string()
                                      ? reply["error"].get<std::string>()
                                      : "no message";
        const long status = reply.contains("status") && reply["status"].is_number_integer()
                                ? reply["status"].get<long>()
                                : response.status;
        const RemoteError::Kind kind = status >= 500 ? RemoteError::Kind::Server : RemoteError::Kind::Refused;
        throw RemoteError(
            kind, what + ": the worker failed (status " + std::to_string(status) + "): " + error, status);
    }
    auto result = reply.find("result");
    return result == reply.end() ? Json() : std::move(*result);
}

std::vector<std::string> WorkerClient::list(const std::vector<std::string>& chain, std::stop_token cancel) {
    return stringArray(call("list", Json::array(), chain, cancel),
                       subject() + ": list in " + chainText(chain));
}

std::vector<std::string> WorkerClient::listScopes(const std::vector<std::string>& chain,
                                                  std::stop_token cancel) {
    return stringArray(call("listScopes", Json::array(), chain, cancel),
                       subject() + ": listScopes in " + chainText(chain));
}

size_t WorkerClient::count(const std::vector<std::string>& chain, std::stop_token cancel) {
    const Json result = call("count", Json::array(), chain, cancel);
    if (!result.is_number_unsigned() && !result.is_number_integer())
        throw RemoteError(RemoteError::Kind::BadResponse, subject() + ": count in " + chainText(chain) +
                                                              ": the worker's result is not a number");
    return result.get<size_t>();
}

std::optional<Json> WorkerClient::get(const std::vector<std::string>& chain, const std::string& id,
                                      std::stop_token cancel) {
    Json result = call("get", Json::array({id}), chain, cancel);
    if (result.is_null())
        return std::nullopt;
    if (!result.is_object())
        throw RemoteError(RemoteError::Kind::BadResponse, subject() + ": get " + id + " in " +
                                                              chainText(chain) +
                                                              ": the row is not an object");
    return result;
}

Json WorkerClient::getBatch(const std::vector<std::string>& chain, const std::vector<std::string>& ids,
                            std::stop_token cancel) {
    Json idArray = Json::array();
    for (const auto& id : ids)
        idArray.push_back(id);
    return rowsObject(call("getBatch", Json::array({idArray}), chain, cancel),
                      subject() + ": getBatch in " + chainText(chain));
}

Json WorkerClient::all(const std::vector<std::string>& chain, std::stop_token cancel) {
    return rowsObject(call("all", Json::array(), chain, cancel), subject() + ": all in " + chainText(chain));
}

void WorkerClient::set(const std::vector<std::string>& chain, const std::string& id, const Json& record,
                       std::stop_token cancel) {
    call("set", Json::array({id, record}), chain, cancel);
}

void WorkerClient::remove(const std::vector<std::string>& chain, const std::string& id,
                          std::stop_token cancel) {
    call("delete", Json::array({id}), chain, cancel);
}

} // namespace athanor::cloudflare
