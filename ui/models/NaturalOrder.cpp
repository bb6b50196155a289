#include "models/NaturalOrder.h"

#include <QCollatorSortKey>
#include <QString>
#include <algorithm>
#include <array>

namespace athanor::ui {

namespace {

// The root collation's order of ASCII spaces, punctuation and symbols (all before digits, digits before
// letters), as ICU gives it.
constexpr std::string_view kSeparatorOrder = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
constexpr unsigned char kDigitRunBase = 0x30; // a digit run: this plus its length, then its digits
constexpr size_t kLongestDigitRun = 40;       // keeps kDigitRunBase + length below the letters

constexpr std::array<unsigned char, 128> separatorRanks() {
    std::array<unsigned char, 128> ranks{};
    for (size_t i = 0; i < kSeparatorOrder.size(); ++i)
        ranks[static_cast<unsigned char>(kSeparatorOrder[i])] = static_cast<unsigned char>(1 + i);
    return ranks;
}
constexpr std::array<unsigned char, 128> kSeparatorRank = separatorRanks();

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

bool collatorOrdersAsciiAsRoot(const QCollator& collator) {
    // Other languages tailor ASCII letters too (Danish "aa" after "z", Lithuanian "y" before "j", ...).
    const QLocale::Language language = collator.locale().language();
    return (language == QLocale::English || language == QLocale::C) && collator.numericMode() &&
           collator.caseSensitivity() == Qt::CaseInsensitive && !collator.ignorePunctuation();
}

std::optional<std::string> rootNaturalKey(std::string_view name) {
    std::string key;
    key.reserve(name.size() + 2);
    for (size_t i = 0; i < name.size();) {
        const char c = name[i];
        if (isDigit(c)) {
            // By value: leading zeros do not count ("a01" and "a1" are equal to the collator); then the
            // longer number is the larger one.
            while (i < name.size() && name[i] == '0')
                ++i;
            const size_t start = i;
            while (i < name.size() && isDigit(name[i]))
                ++i;
            if (i - start > kLongestDigitRun)
                return std::nullopt;
            key += static_cast<char>(kDigitRunBase + (i - start));
            key.append(name.substr(start, i - start));
            continue;
        }
        if (c >= 'a' && c <= 'z')
            key += c;
        else if (c >= 'A' && c <= 'Z')
            key += static_cast<char>(c - 'A' + 'a');
        else if (static_cast<unsigned char>(c) < 128 && kSeparatorRank[static_cast<unsigned char>(c)] != 0)
            key += static_cast<char>(kSeparatorRank[static_cast<unsigned char>(c)]);
        else
            return std::nullopt;
        ++i;
    }
    return key;
}

void sortNaturally(std::vector<int32_t>& items, const std::function<std::string_view(int32_t)>& nameOf,
                   const QCollator& collator) {
    const size_t n = items.size();
    if (n < 2)
        return;
    std::vector<size_t> position(n);
    for (size_t i = 0; i < n; ++i)
        position[i] = i;
    if (collatorOrdersAsciiAsRoot(collator)) {
        std::vector<std::string> keys;
        keys.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            std::optional<std::string> key = rootNaturalKey(nameOf(items[i]));
            if (!key)
                break;
            keys.push_back(std::move(*key));
        }
        if (keys.size() == n) {
            std::stable_sort(position.begin(), position.end(),
                             [&](size_t a, size_t b) { return keys[a] < keys[b]; });
            const std::vector<int32_t> original = items;
            for (size_t i = 0; i < n; ++i)
                items[i] = original[position[i]];
            return;
        }
    }
    std::vector<QCollatorSortKey> keys;
    keys.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const std::string_view name = nameOf(items[i]);
        keys.push_back(collator.sortKey(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()))));
    }
    std::stable_sort(position.begin(), position.end(),
                     [&](size_t a, size_t b) { return keys[a].compare(keys[b]) < 0; });
    const std::vector<int32_t> original = items;
    for (size_t i = 0; i < n; ++i)
        items[i] = original[position[i]];
}

} // namespace athanor::ui
