#pragma once

#include <QCollator>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::ui {

// Sorts `items` (stably) into the order of `collator` (naturalCollator(): "item2" before "item10", case
// ignored) by their UTF-8 names.
//
// A collator's sort key costs over a microsecond a name: most of the time it took to index a stage of 80,000
// resources. Names of ASCII letters, digits and the usual separators, under a collation that orders those as
// the Unicode root collation does (English, and the C locale that stands for it), get a plain byte key of the
// same order instead (rootNaturalKey()); any other name or collation sorts by the collator's keys, as before.
void sortNaturally(std::vector<int32_t>& items, const std::function<std::string_view(int32_t)>& nameOf,
                   const QCollator& collator);

// Whether the collator orders ASCII as the root collation does, numerically and without case (as
// naturalCollator() sets it up): only then may rootNaturalKey() stand in for it.
bool collatorOrdersAsciiAsRoot(const QCollator& collator);

// A byte string whose order (std::string's) is the root collation's natural order of `name`, for names made
// of ASCII letters, digits and the separators _ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ & # % ` ^ + < = > | ~ $
// and spaces; nullopt for any other name (and for digit runs over 40 digits).
std::optional<std::string> rootNaturalKey(std::string_view name);

} // namespace athanor::ui
