// random::String (reference §12.5): `length` random bytes, hex or base64, kept as a secret.
#include "providers/BuiltinProviders.h"
#include "providers/PlainJson.h"
#include "secrets/Base64.h"
#include "secrets/SecureString.h"

#include <sodium.h>

namespace athanor {
namespace {

constexpr std::string_view kKind = "random::String";

class RandomStringProvider final : public Provider {
public:
    std::string kind() const override { return std::string(kKind); }
    // Nothing outside the state: the value lives only in the record.
    std::optional<std::vector<std::string>> deleteFootprint(const std::string&, const Json&) const override {
        return std::vector<std::string>{};
    }
    Replacement replacementFor(const Json&, const Json&, std::string&) const override {
        return Replacement::No;
    }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        long long length = 32;
        if (const Json* value = findMember(props, "length")) {
            if (!value->is_number_integer() || value->get<long long>() < 1 ||
                value->get<long long>() > 1 << 20)
                throw ProviderError(
                    "random::String: prop \"length\" must be a whole number of bytes from 1 to 1048576");
            length = value->get<long long>();
        }
        const std::string encoding = optionalStringProp(props, "encoding", kKind).value_or("hex");
        if (encoding != "hex" && encoding != "base64")
            throw ProviderError("random::String: prop \"encoding\" must be \"hex\" or \"base64\" (got \"" +
                                encoding + "\")");

        // Alchemy compares the *previous* props as written with the resolved new values, so a change from
        // omitted props to the explicit defaults regenerates the value. Kept as is for the same results.
        if (ctx.phase() == HandlerPhase::Update) {
            const Json& previous = ctx.previousProps();
            const Json* previousLength = findMember(previous, "length");
            const Json* previousEncoding = findMember(previous, "encoding");
            if (previousLength && *previousLength == length && previousEncoding &&
                *previousEncoding == encoding && ctx.previousOutput().is_object() &&
                ctx.previousOutput().contains("value"))
                return withoutEnvelope(ctx.previousOutput());
        }

        SecureString bytes = SecureString::zeroed(static_cast<size_t>(length));
        randombytes_buf(bytes.mutableData(), bytes.size());
        std::string text;
        if (encoding == "hex") {
            text.resize(bytes.size() * 2 + 1);
            sodium_bin2hex(text.data(), text.size(), bytes.data(), bytes.size());
            text.pop_back();
        } else {
            text = encodeBase64(bytes.data(), bytes.size());
        }
        Json output = Json::object();
        output["length"] = length;
        output["encoding"] = encoding;
        output["value"] = wrapSecret(Json(text));
        sodium_memzero(text.data(), text.size());
        return output;
    }

    void remove(ProviderContext&) override {
        // Nothing exists outside the state.
    }
};

} // namespace

std::unique_ptr<Provider> makeRandomStringProvider() {
    return std::make_unique<RandomStringProvider>();
}

} // namespace athanor
